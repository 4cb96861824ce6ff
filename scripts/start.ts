/**
 * `npm start`: the whole local stack (DynamoDB Local, the API under
 * serverless-offline, the Kong-compatible gateway) until SIGINT (Ctrl-C),
 * SIGTERM or SIGHUP, or until whoever started it is gone.
 *
 *   KONG_PROXY_PORT, KONG_ADMIN_PORT, API_PORT, LAMBDA_PORT, DYNAMODB_PORT  ports
 *   MAILDEV_SMTP_PORT, MAILDEV_WEB_PORT  maildev's SMTP (default 1025) and web UI / REST API (default 1080)
 *   DECK_PUBLIC_RATE_LIMIT_PER_MINUTE  kong.yml's rate limit on the public routes (default 60); also
 *                      DECK_PROTECTED_…, DECK_PASSWORD_…, DECK_INTROSPECT_…, DECK_BROWSER_RATE_LIMIT_PER_MINUTE
 *   RATE_LIMIT_POLICY   local (default) or redis: then a redis-server is started on REDIS_PORT (default 8379)
 *   CORS_ORIGINS        comma-separated origins whose pages may call the API (default none)
 *   KONG_TRUSTED_IPS, KONG_REAL_IP_HEADER, KONG_REAL_IP_RECURSIVE, KONG_HEADERS  passed on to the gateway;
 *                      KONG_TRUSTED_IPS also to the functions, as TRUSTED_PROXIES (docs/client-address.md)
 *   API_HTTP=1          also open serverless-offline's HTTP port (API_PORT) on loopback, for debugging:
 *                      it bypasses the gateway (docs/local-stack.md)
 *   STACK_DATA_DIR      where data and DynamoDB Local's key are kept (default .data/)
 *   STACK_IN_MEMORY=1   keep no tables or consumers on disk (the key is kept all the same)
 *   STACK_VERBOSE=1     show everything the components print
 *
 * It also makes a local operator (scripts/stack/operator.ts, docs/operators.md):
 * the consumer local-operator in auth-admins, its key kept in the data folder.
 *
 * package.json runs it with `exec`: where sh is dash, `sh -c` otherwise stays
 * between npm and this process, dies of the SIGTERM npm relays, and leaves the
 * stack running.
 */
import {
  dataDirFromEnv,
  ensureLocalOperator,
  DEFAULT_PORTS,
  DEFAULT_RATE_LIMITS,
  integerFromEnv,
  onParentGone,
  persistedCredentials,
  portsFromEnv,
  printLine,
  startStack,
  type LogSink,
  type Stack,
  type StackOptions,
} from './stack';

/** Away from a system Redis on 6379, beside the stack's other 8xxx ports. */
const DEFAULT_REDIS_PORT = 8379;

const verbose = process.env.STACK_VERBOSE === '1';
const inMemory = process.env.STACK_IN_MEMORY === '1';
const dataDir = dataDirFromEnv();

let ready = false;
// Start-up chatter stays hidden (a failure quotes the component's last lines);
// once ready, what the components report on stderr (errors, API requests) shows.
const log: LogSink = (component, stream, line) => {
  if (verbose || (ready && stream === 'stderr')) printLine(component, stream, line);
};

/** RATE_LIMIT_POLICY: `local`, or `redis` with a Redis server of the stack's own on REDIS_PORT. */
function rateLimitPolicyFromEnv(): StackOptions['rateLimitPolicy'] {
  const policy = process.env.RATE_LIMIT_POLICY || 'local';
  if (policy === 'local') return { policy };
  if (policy === 'redis') return { policy, port: integerFromEnv('REDIS_PORT', DEFAULT_REDIS_PORT, { min: 1, max: 65535 }) };
  throw new Error(`RATE_LIMIT_POLICY=${policy}: expected local or redis`);
}

const startup = new AbortController();
let exiting = false;

let operatorKeyFile = '';
const starting: Promise<Stack> = (async () => {
  const stack = await startStack({
    ports: portsFromEnv(DEFAULT_PORTS),
    inMemory,
    dataDir,
    // Even in memory: one key per checkout lets tools reach any `npm start` (scripts/aws-env.ts).
    credentials: await persistedCredentials(dataDir),
    rateLimits: {
      public: integerFromEnv('DECK_PUBLIC_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.public, { min: 1 }),
      protected: integerFromEnv('DECK_PROTECTED_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.protected, { min: 1 }),
      password: integerFromEnv('DECK_PASSWORD_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.password, { min: 1 }),
      introspect: integerFromEnv('DECK_INTROSPECT_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.introspect, { min: 1 }),
      browser: integerFromEnv('DECK_BROWSER_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.browser, { min: 1 }),
    },
    rateLimitPolicy: rateLimitPolicyFromEnv(),
    apiHttp: ['1', 'true', 'on'].includes((process.env.API_HTTP ?? '').toLowerCase()),
    corsOrigins: (process.env.CORS_ORIGINS ?? '').split(',').map((origin) => origin.trim()).filter(Boolean),
    log,
    signal: startup.signal,
    onCrash(component, description) {
      console.error(`${component} stopped unexpectedly: ${description}`);
      void shutdown(1);
    },
  });
  try {
    // An operator to try the admin API with (docs/operators.md).
    operatorKeyFile = (await ensureLocalOperator(stack.urls.admin, dataDir)).keyFile;
  } catch (error) {
    await stack.stop();
    throw error;
  }
  return stack;
})();

async function shutdown(code: number): Promise<void> {
  if (exiting) return;
  exiting = true;
  if (code === 0) console.log('Stopping the stack...');
  startup.abort();
  const stack = await starting.catch(() => undefined);
  await stack?.stop();
  process.exit(code);
}

// `on`, not `once`: Ctrl-C can arrive twice (from the terminal and relayed by
// npm), and a second, unhandled SIGINT would kill us before the cleanup.
// SIGHUP: the terminal it ran in was closed.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void shutdown(0));
onParentGone(() => void shutdown(0));

starting.then(
  ({ urls, apiHttp }) => {
    ready = true;
    console.log(
      `Stack ready${inMemory ? ' (in memory)' : ''}: proxy ${urls.proxy}  admin ${urls.admin}  ` +
        `${apiHttp ? `API ${urls.api} (API_HTTP=1: bypasses the gateway)  ` : ''}DynamoDB ${urls.dynamodb}  Mail ${urls.mail} (SMTP ${urls.smtp.replace('smtp://', '')})${urls.redis ? `  Redis ${urls.redis}` : ''}  Operator key ${operatorKeyFile} (docs/operators.md)  (Ctrl-C to stop)`,
    );
  },
  (error: Error) => {
    if (exiting) return; // interrupted: shutdown() exits
    console.error(`Could not start the stack: ${error.message}`);
    process.exit(1);
  },
);
