/** The stack the bench measures: one of its own, or one already running. */
import path from 'node:path';
import {
  credentialsFromEnv,
  dataDirFromEnv,
  DEFAULT_PORTS,
  handlerEnv,
  keysEnv,
  portsFromEnv,
  printLine,
  savedCredentials,
  startStack,
  type StackPorts,
} from '../scripts/stack';

/** The bench's own stack, away from `npm start` (8000...) and the tests (18000...); BENCH_KONG_PROXY_PORT etc. move it. */
const BENCH_PORTS: StackPorts = { proxy: 28000, admin: 28001, api: 24000, lambda: 24002, dynamodb: 28100, maildevSmtp: 28025, maildevWeb: 28080 };

/** Lifts the public routes' rate limit (60/min in `npm start`) far above any load the bench makes. */
const UNLIMITED_PER_MINUTE = 1_000_000_000;

export interface BenchStack {
  urls: { proxy: string; admin: string; api: string; dynamodb: string };
  /** What the handlers need to run in-process against this stack. */
  env: Record<string, string>;
  /** Public routes go through the gateway when its rate limit is lifted, straight to the API otherwise. */
  publicUrl: string;
  description: string;
  /** A component that died during the run, if any. */
  crash(): string | undefined;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local, the API and the gateway in memory, with the handlers at `bcryptCost`. */
export async function startBenchStack(bcryptCost: number, verbose: boolean): Promise<BenchStack> {
  let crashed: string | undefined;
  const stack = await startStack({
    ports: portsFromEnv(BENCH_PORTS, 'BENCH_'),
    portEnvPrefix: 'BENCH_',
    inMemory: true,
    env: { BCRYPT_COST: String(bcryptCost) },
    // The bench compares the gateway with calls straight to the functions.
    apiHttp: true,
    rateLimits: { public: UNLIMITED_PER_MINUTE, protected: UNLIMITED_PER_MINUTE, password: UNLIMITED_PER_MINUTE },
    log: verbose ? printLine : undefined,
    onCrash: (component, description) => {
      crashed = `${component} ${description}`;
    },
  });
  return {
    urls: stack.urls,
    env: stack.env,
    publicUrl: stack.urls.proxy,
    description: 'own in-memory stack, public rate limit lifted',
    crash: () => crashed,
    stop: stack.stop,
  };
}

/**
 * A stack already running (`npm start`, or the tests' stack), described by
 * the environment with `npm start`'s addresses and key as defaults. Its
 * public routes may be rate-limited, so they are driven straight at the API:
 * start it with API_HTTP=1, which opens that port.
 */
export async function runningStack(env = process.env): Promise<BenchStack> {
  const url = (name: string, port: number) => env[name] || `http://127.0.0.1:${port}`;
  const urls = {
    proxy: url('PROXY_URL', DEFAULT_PORTS.proxy),
    admin: env.KONG_ADMIN_URL || url('ADMIN_URL', DEFAULT_PORTS.admin),
    api: url('API_URL', DEFAULT_PORTS.api),
    dynamodb: url('DYNAMODB_ENDPOINT', DEFAULT_PORTS.dynamodb),
  };
  return {
    urls,
    env: await handlerEnv(urls, credentialsFromEnv(env) ?? (await savedCredentials(dataDirFromEnv(env))), {
      // npm start's key files, unless the environment names others.
      ...keysEnv(urls.proxy, path.join(dataDirFromEnv(env), 'signing-keys')),
      ...(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined)) as Record<string, string>),
    }),
    publicUrl: urls.api,
    description: 'running stack, public routes sent straight to the API',
    crash: () => undefined,
    stop: async () => {},
  };
}
