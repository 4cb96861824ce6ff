/** The tests' stacks: the suite's shared one (global-setup.ts) and private ones for tests that stop or restart parts. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  credentialsFromEnv,
  freePorts,
  printLine,
  startStack,
  withLocalDynamo,
  type LocalCredentials,
  type LogSink,
  type Stack,
  type StackOptions,
} from '../../scripts/stack';
import { registerGateway } from './openapi';

/**
 * Settings every test stack's handlers get: cheap password hashing, quiet
 * logs, no metrics. Account protection keeps its real numbers: the tests
 * that trip it use names and client addresses of their own (loopback
 * addresses other than 127.0.0.1 through the gateway), so nothing else does.
 */
export const TEST_API_ENV = {
  BCRYPT_COST: '4',
  LOG_LEVEL: 'silent',
  POWERTOOLS_METRICS_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  // The suite's own requests come from 127.0.0.1: over a whole run its refused sign-ins (wrong passwords, codes,
  // passkeys on purpose) add up past the per-address limit within the default 10 minutes and block the rest of the
  // suite. A minute still holds every test's deliberate spray of 30 (each from its own address).
  ADDRESS_FAILURE_WINDOW_SECONDS: '60',
};

/** High enough that no test trips the public routes' rate limit by accident. */
export const TEST_RATE_LIMITS = { public: 1_000_000, protected: 1_000_000, password: 1_000_000, introspect: 1_000_000, browser: 1_000_000 };

/** A browser client's page on another origin, which kong.yml's cors lets in (test/e2e/edges.test.ts). */
export const TEST_CORS_ORIGINS = ['https://app.example.test'];

/**
 * The gateway asks the identity provider on every browser request: a test
 * that signs out and replays the old cookie must see the session end at
 * once, not after forward-auth's cache (5 s by default) lets it go.
 */
export const TEST_SESSION_CACHE_TTL_SECONDS = 0;

/**
 * The suite's stack stands behind a load balancer at 127.0.0.2 (and
 * 127.0.2.0/24 for a second hop), as Kong's trusted_ips would name it:
 * test/e2e/client-address.test.ts is a client behind it. No other test
 * connects from there (their own addresses are 127.1-254.x.y), so for them
 * the TCP peer stays the client, as before.
 */
export const TEST_REAL_IP = { trustedIps: '127.0.0.2, 127.0.2.0/24', realIpHeader: 'X-Forwarded-For', realIpRecursive: 'on' } as const;
export const TEST_BALANCER_ADDRESS = '127.0.0.2';

/** STACK_VERBOSE=1 shows what the test stacks' components print. */
export const testLog: LogSink | undefined = process.env.STACK_VERBOSE === '1' ? printLine : undefined;

/**
 * A stack of its own on free ports, in memory unless told otherwise, for tests
 * that stop components or restart the stack. Stop it in afterAll.
 */
export async function startPrivateStack(options: Omit<StackOptions, 'ports'> = {}): Promise<Stack> {
  const [proxy, admin, api, lambda, dynamodb, maildevSmtp, maildevWeb] = await freePorts(7);
  const stack = await startStack({
    inMemory: true,
    rateLimits: TEST_RATE_LIMITS,
    corsOrigins: TEST_CORS_ORIGINS,
    sessionCacheTtlSeconds: TEST_SESSION_CACHE_TTL_SECONDS,
    apiHttp: true,
    log: testLog,
    ...options,
    env: { ...TEST_API_ENV, ...options.env },
    ports: { proxy, admin, api, lambda, dynamodb, maildevSmtp, maildevWeb },
  });
  privateKeys.set(stack.urls.dynamodb, stack.credentials);
  privateForwardAuthKeys.set(stack.urls.proxy, stack.forwardAuthKey);
  // Its answers are held to openapi.yaml like the suite stack's (in end-to-end tests).
  registerGateway(stack.urls.proxy);
  return stack;
}

/**
 * The key of each private stack this process started, by DynamoDB Local
 * address: each has its own. The suite's stack's key is in the environment.
 */
const privateKeys = new Map<string, LocalCredentials>();

/** Each private stack's forward-auth key (session-authenticate's key-auth), by proxy address. */
const privateForwardAuthKeys = new Map<string, string>();

/**
 * The key that opens /api/session/authenticate on the stack at `proxyUrl`:
 * the gateway's own (forward-auth's), as tests call that route directly.
 */
export function forwardAuthKeyFor(proxyUrl: string): string {
  const key = privateForwardAuthKeys.get(proxyUrl) ?? (proxyUrl === process.env.PROXY_URL ? process.env.FORWARD_AUTH_KEY : undefined);
  if (!key) throw new Error(`no forward-auth key known for the stack at ${proxyUrl}`);
  return key;
}

/**
 * What a test process needs to reach a stack: PROXY_URL, ADMIN_URL and
 * API_URL for HTTP, plus the handlers' own settings (DYNAMODB_ENDPOINT,
 * KONG_ADMIN_URL, USERS_TABLE, TOKENS_TABLE, AWS_*, BCRYPT_COST) so
 * tests can also call them in-process.
 */
export function stackEnv(stack: Stack): Record<string, string> {
  return {
    ...stack.env,
    PROXY_URL: stack.urls.proxy,
    ADMIN_URL: stack.urls.admin,
    API_URL: stack.urls.api,
    FORWARD_AUTH_KEY: stack.forwardAuthKey,
    ...(stack.urls.lambda ? { LAMBDA_URL: stack.urls.lambda } : {}),
    MAILDEV_URL: stack.urls.mail,
  };
}

/** A DynamoDB client for a stack's DynamoDB Local, with that stack's key, destroyed after `use`. */
export function withDynamo<T>(endpoint: string, use: (client: DynamoDBClient) => Promise<T>): Promise<T> {
  const credentials = privateKeys.get(endpoint) ?? credentialsFromEnv();
  if (!credentials) throw new Error(`no key known for the DynamoDB Local at ${endpoint}`);
  return withLocalDynamo(endpoint, credentials, use);
}
