/** The tests' stacks: the suite's shared one (global-setup.ts) and private ones for tests that stop or restart parts. */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  request,
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
};

/** High enough that no test trips the public routes' rate limit by accident. */
export const TEST_RATE_LIMIT_PER_MINUTE = 1_000_000;

/**
 * serverless-offline answers each concurrent request of a function in a
 * worker of its own, as Lambda does in containers of their own, and the
 * first password a worker checks loads the password rules' dictionaries
 * (lib/accounts/password-strength.ts: about 0.1 s of CPU, once). A dozen of
 * those at once, on two cores shared with the rest of the suite, can outlast
 * the functions' 10 s timeout, and the tests that sign up concurrently are
 * about the flows, not about cold starts on a small machine. So their stack's
 * signup workers are warmed up first: `count` concurrent signups with a
 * password the rules refuse (400, nothing stored), whatever they answer.
 */
export async function warmUpSignupWorkers(proxyUrl: string, count = 12): Promise<void> {
  const body = { username: 'warm-up', password: 'a'.repeat(20) };
  await Promise.all(Array.from({ length: count }, () => request(`${proxyUrl}/api/public/signup`, { body }).catch(() => undefined)));
}

/** STACK_VERBOSE=1 shows what the test stacks' components print. */
export const testLog: LogSink | undefined = process.env.STACK_VERBOSE === '1' ? printLine : undefined;

/**
 * A stack of its own on free ports, in memory unless told otherwise, for tests
 * that stop components or restart the stack. Stop it in afterAll.
 */
export async function startPrivateStack(options: Omit<StackOptions, 'ports'> = {}): Promise<Stack> {
  const [proxy, admin, api, lambda, dynamodb] = await freePorts(5);
  const stack = await startStack({
    inMemory: true,
    rateLimitPerMinute: TEST_RATE_LIMIT_PER_MINUTE,
    log: testLog,
    ...options,
    env: { ...TEST_API_ENV, ...options.env },
    ports: { proxy, admin, api, lambda, dynamodb },
  });
  privateKeys.set(stack.urls.dynamodb, stack.credentials);
  return stack;
}

/**
 * The key of each private stack this process started, by DynamoDB Local
 * address: each has its own. The suite's stack's key is in the environment.
 */
const privateKeys = new Map<string, LocalCredentials>();

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
  };
}

/** A DynamoDB client for a stack's DynamoDB Local, with that stack's key, destroyed after `use`. */
export function withDynamo<T>(endpoint: string, use: (client: DynamoDBClient) => Promise<T>): Promise<T> {
  const credentials = privateKeys.get(endpoint) ?? credentialsFromEnv();
  if (!credentials) throw new Error(`no key known for the DynamoDB Local at ${endpoint}`);
  return withLocalDynamo(endpoint, credentials, use);
}
