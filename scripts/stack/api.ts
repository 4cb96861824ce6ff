/** The API: the Lambda handlers under serverless-offline, as one component of the stack. */
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { LogSink } from './child';
import { childComponent, type Component, type CrashHandler } from './component';
import { answers } from './http';
import { LOCAL_STAGE, localAwsEnv, type LocalCredentials } from './local-aws';
import { localBin, REPO_ROOT } from './paths';

export interface ApiOptions {
  /** serverless-offline's HTTP port (API Gateway emulation), open only with `http`. */
  port: number;
  /**
   * Open the HTTP port too, on loopback, for debugging: a way around the
   * gateway. Off by default: the gateway calls the Lambda Invoke port
   * (scripts/serverless/offline-ports.js).
   */
  http?: boolean;
  lambdaPort: number;
  dynamodbEndpoint: string;
  /** DynamoDB Local's key, which serverless-offline hands the handlers with the other AWS_* variables. */
  credentials: LocalCredentials;
  kongAdminUrl: string;
  /**
   * More settings for the handlers (BCRYPT_COST...). serverless-offline hands
   * the handlers provider.environment (plus AWS_*), as Lambda does, so only
   * variables serverless.yml reads there reach them.
   */
  env?: Record<string, string>;
  log?: LogSink;
  onCrash?: CrashHandler;
}

const READY_TIMEOUT_MS = 90_000;

/** The Lambda handlers under serverless-offline, bundled by serverless-esbuild. */
export function api(options: ApiOptions): Component {
  // Up once the Invoke port answers (serverless-offline opens it before the HTTP port).
  const url = options.http ? `http://127.0.0.1:${options.port}` : `http://127.0.0.1:${options.lambdaPort}`;
  // Two stacks can run from one checkout; each bundles into its own folder.
  const workFolder = path.join('.esbuild', `api-${options.port}`);
  const component = childComponent({
    name: 'api',
    command: () => ({
      command: localBin('serverless'),
      // The local stage: serverless.yml's params for it need no deploy settings.
      args: ['offline', 'start', '--stage', LOCAL_STAGE],
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...localAwsEnv(options.credentials),
        SLS_TELEMETRY_DISABLED: '1',
        API_HOST: '127.0.0.1',
        API_PORT: String(options.port),
        LAMBDA_PORT: String(options.lambdaPort),
        ESBUILD_WORK_FOLDER: workFolder,
        DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
        KONG_ADMIN_URL: options.kongAdminUrl,
        API_HTTP: options.http ? '1' : '0',
        ...options.env,
      },
      log: options.log,
    }),
    waitUntilReady: (child) => child.waitUntil(() => answers(url), READY_TIMEOUT_MS),
    onCrash: options.onCrash,
  });
  return {
    ...component,
    async stop() {
      await component.stop();
      await rm(path.join(REPO_ROOT, workFolder), { recursive: true, force: true });
    },
  };
}
