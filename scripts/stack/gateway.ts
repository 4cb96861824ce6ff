/** The Kong-compatible local gateway (kong/gateway), as one component of the stack. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LogSink } from './child';
import { childComponent, type Component, type CrashHandler } from './component';
import { REPO_ROOT } from './paths';

export interface GatewayOptions {
  proxyPort: number;
  adminPort: number;
  /** The upstream the service in kong.yml points at (DECK_API_URL). */
  apiUrl: string;
  /** Where consumers and credentials are kept; undefined keeps them in memory. */
  dataFile?: string;
  rateLimitPerMinute: number;
  log?: LogSink;
  onCrash?: CrashHandler;
}

const READY_TIMEOUT_MS = 30_000;

/** The Kong-compatible local gateway (kong/gateway), configured by kong/kong.yml. */
export function gateway(options: GatewayOptions): Component {
  return childComponent({
    name: 'gateway',
    command: () => {
      if (options.dataFile) mkdirSync(path.dirname(options.dataFile), { recursive: true });
      return {
        // tsx as a loader rather than its CLI: one process, no signal relaying.
        command: process.execPath,
        args: ['--import', 'tsx', 'kong/gateway/cli.ts'],
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          GATEWAY_CONFIG: path.join(REPO_ROOT, 'kong', 'kong.yml'),
          GATEWAY_DATA_FILE: options.dataFile ?? ':memory:',
          KONG_PROXY_PORT: String(options.proxyPort),
          KONG_ADMIN_PORT: String(options.adminPort),
          DECK_API_URL: options.apiUrl,
          DECK_PUBLIC_RATE_LIMIT_PER_MINUTE: String(options.rateLimitPerMinute),
        },
        log: options.log,
      };
    },
    waitUntilReady: (child) => child.waitForLine((line) => line.startsWith('gateway ready'), READY_TIMEOUT_MS),
    onCrash: options.onCrash,
  });
}
