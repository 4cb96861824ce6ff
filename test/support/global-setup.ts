/** Starts the suite's one shared stack before any test file runs. */
import { portsFromEnv, startStack, type Stack, type StackPorts } from '../../scripts/stack';
import { stackEnv, TEST_API_ENV, TEST_CORS_ORIGINS, TEST_REAL_IP, TEST_RATE_LIMITS, TEST_SESSION_CACHE_TTL_SECONDS, testLog } from './stack';

/** Away from `npm start`'s defaults, so tests run while a developer's stack is up. */
const TEST_PORTS: StackPorts = { proxy: 18000, admin: 18001, api: 14000, lambda: 14002, dynamodb: 18100, maildevSmtp: 18025, maildevWeb: 18080 };

declare global {
  // Handed from global setup to global teardown (same process).
  var testStack: Stack | undefined;
}

/** One in-memory stack for the whole run; workers find it through process.env. */
export default async function globalSetup(): Promise<void> {
  const stack = await startStack({
    ports: portsFromEnv(TEST_PORTS, 'TEST_'),
    portEnvPrefix: 'TEST_',
    inMemory: true,
    env: TEST_API_ENV,
    rateLimits: TEST_RATE_LIMITS,
    corsOrigins: TEST_CORS_ORIGINS,
    sessionCacheTtlSeconds: TEST_SESSION_CACHE_TTL_SECONDS,
    realIp: TEST_REAL_IP,
    // Tests call the functions around the gateway too (that it is refused is the point).
    apiHttp: true,
    log: testLog,
  });
  globalThis.testStack = stack;
  Object.assign(process.env, stackEnv(stack));
}
