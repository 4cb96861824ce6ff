/**
 * The whole local stack: DynamoDB Local with its tables, the API and the
 * gateway, started side by side and stopped together.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { api } from './api';
import type { LogSink } from './child';
import type { Component, CrashHandler } from './component';
import { dynamodbLocal } from './dynamodb-local';
import { persistedForwardAuthKey, randomForwardAuthKey } from './forward-auth-key';
import { gateway } from './gateway';
import { maildev } from './maildev';
import { redisServer } from './redis';
import { browserEnv } from './browser-env';
import { localAwsEnv, persistedCredentials, randomCredentials, type LocalCredentials } from './local-aws';
import { DEFAULT_DATA_DIR } from './paths';
import { assertPortFree, DEFAULT_PORTS, PORT_ENV_VARS, type StackPorts } from './ports';
import { ensureSigningKey, keyAlgorithmFor } from './signing-keys';
import { ensureTables, tableDefinitions, tableEnvironment } from './tables';

export interface StackOptions {
  ports?: Partial<StackPorts>;
  /** Prefix of the variables that set the ports, so a port-in-use error names the right one. */
  portEnvPrefix?: string;
  /** Keep DynamoDB tables and gateway consumers in memory instead of under dataDir. */
  inMemory?: boolean;
  /** Defaults to .data/ in the repository (git-ignored). */
  dataDir?: string;
  /**
   * DynamoDB Local's key (see local-aws.ts). Defaults to the one kept in
   * dataDir, made on first use, or a random one for an in-memory stack.
   */
  credentials?: LocalCredentials;
  /** Extra settings for the handlers, e.g. { BCRYPT_COST: '4' }. */
  env?: Record<string, string>;
  /** kong.yml's rate limits per minute; each one unset keeps its default. */
  rateLimits?: Partial<RateLimits>;
  /**
   * Where the rate limits count: `local` (default, each gateway alone), or
   * `redis`, for which the stack starts a Redis server on this port.
   */
  rateLimitPolicy?: { policy: 'local' } | { policy: 'redis'; port: number };
  /** Origins whose pages may call the public, session and profile routes (kong.yml's cors); default none. */
  corsOrigins?: readonly string[];
  /** How long the gateway reuses an identity provider's answer (DECK_SESSION_CACHE_TTL); default 5 s, as in docker-compose.yml. */
  sessionCacheTtlSeconds?: number;
  /**
   * Open serverless-offline's HTTP port (urls.api) on loopback, for debugging
   * and for tests that call the functions around the gateway. Off by default:
   * nothing needs it, and it bypasses the gateway.
   */
  apiHttp?: boolean;
  /**
   * Kong's trusted_ips, real_ip_header and real_ip_recursive for the gateway
   * (unset: KONG_TRUSTED_IPS... from the environment, else Kong's defaults);
   * the functions get the same trusted list as TRUSTED_PROXIES.
   */
  realIp?: RealIpSettings;
  log?: LogSink;
  /** Called when a component dies on its own after the stack has started. */
  onCrash?: CrashHandler;
  /** Aborting it (Ctrl-C during start-up) stops whatever has started and rejects. */
  signal?: AbortSignal;
}

/** Kong's settings for the client address behind a load balancer, as kong.conf spells them. */
export interface RealIpSettings {
  trustedIps?: string;
  realIpHeader?: string;
  realIpRecursive?: 'on' | 'off';
}

/** The settings given, else KONG_TRUSTED_IPS, KONG_REAL_IP_HEADER, KONG_REAL_IP_RECURSIVE from the environment. */
export function realIpSettings(given: RealIpSettings = {}, env = process.env): Record<string, string> {
  const settings: Record<string, string | undefined> = {
    KONG_TRUSTED_IPS: given.trustedIps ?? env.KONG_TRUSTED_IPS,
    KONG_REAL_IP_HEADER: given.realIpHeader ?? env.KONG_REAL_IP_HEADER,
    KONG_REAL_IP_RECURSIVE: given.realIpRecursive ?? env.KONG_REAL_IP_RECURSIVE,
  };
  return Object.fromEntries(Object.entries(settings).filter((entry): entry is [string, string] => Boolean(entry[1])));
}

export interface Stack {
  /** `redis` when the rate limits count in a Redis server of the stack's. */
  /** `lambda`: serverless-offline's Invoke port, which the gateway calls. */
  /** `mail`: maildev's web UI and REST API (GET /api/email); `smtp`: where the handlers send. */
  urls: { proxy: string; admin: string; api: string; lambda?: string; dynamodb: string; redis?: string; mail: string; smtp: string };
  /** What a process needs to call the handlers in-process against this stack. */
  env: Record<string, string>;
  /** The only key that sees this stack's tables. */
  credentials: LocalCredentials;
  /** The gateway's key for /api/session/authenticate (key-auth consumer forward-auth). */
  forwardAuthKey: string;
  /** Where the service's private signing keys are (custody `file`). */
  signingKeyDir: string;
  /** Whether urls.api (serverless-offline's HTTP port) is open. */
  apiHttp: boolean;
  components: { dynamodb: Component; api: Component; gateway: Component; maildev: Component; redis?: Component };
  stop(): Promise<void>;
}

/**
 * kong.yml's rate limits per minute, as in docker-compose.yml: per client
 * address on the public routes, per consumer on the protected ones, and a
 * tighter one per consumer on the password change (a stolen access token must
 * not make it a password-guessing oracle).
 */
export interface RateLimits {
  public: number;
  protected: number;
  password: number;
  /** Introspection, per resource service (key-auth consumer). */
  introspect: number;
  /**
   * Per client address on the cookie routes (pages and assets, the profile
   * service, the browser logout): a page with its assets and API calls is a
   * handful of requests; a flood of made-up session cookies meets 429.
   */
  browser: number;
}
export const DEFAULT_RATE_LIMITS: RateLimits = { public: 60, protected: 600, password: 10, introspect: 1200, browser: 300 };

/**
 * Where kong.yml's rate limits count (DECK_RATE_LIMIT_POLICY): in each
 * gateway alone, or in one Redis server that several gateways share.
 */
export type RateLimitPolicy = { policy: 'local' } | { policy: 'redis'; host: string; port: number };

/** forward-auth's cache of identity answers unless told otherwise, as in docker-compose.yml. */
export const DEFAULT_SESSION_CACHE_TTL_SECONDS = 5;

/** DynamoDB Local with its tables created from serverless.yml, and a first signing key. */
function dynamodbWithTables(server: ReturnType<typeof dynamodbLocal>, credentials: LocalCredentials, keys: { dir: string; algorithm: 'ES256' | 'RS256' }): Component {
  return {
    name: server.name,
    stop: server.stop,
    freeze: server.freeze,
    async start() {
      // serverless.yml is read (a few seconds) while Java starts.
      const [started, definitions] = await Promise.allSettled([server.start(), tableDefinitions()]);
      if (started.status === 'rejected') throw started.reason;
      try {
        if (definitions.status === 'rejected') throw definitions.reason;
        await ensureTables(server.endpoint, credentials);
        await ensureSigningKey(server.endpoint, credentials, keys.dir, keys.algorithm);
      } catch (error) {
        await server.stop();
        throw new Error(`${server.name} failed to start: could not create the tables or the first key: ${(error as Error).message}`);
      }
    },
  };
}

/**
 * Starts DynamoDB Local (with its tables), the API and the gateway. If
 * anything fails, whatever started is stopped again and the error names the
 * component that failed.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  for (const [key, envVar] of Object.entries(PORT_ENV_VARS)) {
    await assertPortFree(ports[key as keyof StackPorts], (options.portEnvPrefix ?? '') + envVar);
  }
  if (options.rateLimitPolicy?.policy === 'redis') {
    await assertPortFree(options.rateLimitPolicy.port, `${options.portEnvPrefix ?? ''}REDIS_PORT`);
  }
  const dataDir = options.dataDir ?? DEFAULT_DATA_DIR;
  const urls = {
    proxy: `http://127.0.0.1:${ports.proxy}`,
    admin: `http://127.0.0.1:${ports.admin}`,
    api: `http://127.0.0.1:${ports.api}`,
    lambda: `http://127.0.0.1:${ports.lambda}`,
    dynamodb: `http://127.0.0.1:${ports.dynamodb}`,
    mail: `http://127.0.0.1:${ports.maildevWeb}`,
    smtp: `smtp://127.0.0.1:${ports.maildevSmtp}`,
    ...(options.rateLimitPolicy?.policy === 'redis' ? { redis: `redis://127.0.0.1:${options.rateLimitPolicy.port}` } : {}),
  };
  const common = { log: options.log, onCrash: options.onCrash };
  const credentials =
    options.credentials ?? (options.inMemory ? randomCredentials() : await persistedCredentials(dataDir));
  const forwardAuthKey = options.inMemory ? randomForwardAuthKey() : await persistedForwardAuthKey(dataDir);
  // In memory, the keyring goes with the tables: so do the key files.
  const signingKeyDir = options.inMemory ? await mkdtemp(path.join(tmpdir(), 'signing-keys-')) : path.join(dataDir, 'signing-keys');
  const keyEnv = keysEnv(urls.proxy, signingKeyDir);
  const algorithm = keyAlgorithmFor(options.env?.ACCESS_TOKEN_ALGORITHM ?? process.env.ACCESS_TOKEN_ALGORITHM);
  const realIp = realIpSettings(options.realIp);
  // Kong's trusted_ips, shared: the functions find the client behind the same proxies.
  const trustedProxies = { TRUSTED_PROXIES: realIp.KONG_TRUSTED_IPS ?? 'NONE' };
  // Before options.env, so that a test can change any of them.
  // Mail goes to the stack's maildev; links in it point at the gateway.
  const mailEnv = { MAIL_TRANSPORT: 'smtp', SMTP_URL: urls.smtp, PUBLIC_BASE_URL: urls.proxy };
  const handlerSettings = { ...keyEnv, ...browserEnv(urls.proxy), ...trustedProxies, ...mailEnv, ...options.env };

  const policy = options.rateLimitPolicy ?? { policy: 'local' };
  const components = {
    ...(policy.policy === 'redis' ? { redis: redisServer({ port: policy.port, ...common }) } : {}),
    dynamodb: dynamodbWithTables(
      dynamodbLocal({
        port: ports.dynamodb,
        dataDir: options.inMemory ? undefined : path.join(dataDir, 'dynamodb'),
        credentials,
        ...common,
      }),
      credentials,
      { dir: signingKeyDir, algorithm },
    ),
    api: api({
      port: ports.api,
      http: options.apiHttp ?? false,
      lambdaPort: ports.lambda,
      dynamodbEndpoint: urls.dynamodb,
      credentials,
      kongAdminUrl: urls.admin,
      env: handlerSettings,
      ...common,
    }),
    maildev: maildev({ smtpPort: ports.maildevSmtp, webPort: ports.maildevWeb, ...common }),
    gateway: gateway({
      proxyPort: ports.proxy,
      adminPort: ports.admin,
      lambdaPort: ports.lambda,
      dataFile: options.inMemory ? undefined : path.join(dataDir, 'gateway.json'),
      rateLimits: { ...DEFAULT_RATE_LIMITS, ...options.rateLimits },
      rateLimitPolicy: policy.policy === 'redis' ? { policy: 'redis', host: '127.0.0.1', port: policy.port } : policy,
      corsOrigins: options.corsOrigins ?? [],
      sessionCacheTtlSeconds: options.sessionCacheTtlSeconds ?? DEFAULT_SESSION_CACHE_TTL_SECONDS,
      forwardAuthKey,
      realIp,
      ...common,
    }),
  };
  const stop = async () => {
    await Promise.all(Object.values(components).map((component) => component.stop()));
    if (options.inMemory) await rm(signingKeyDir, { recursive: true, force: true });
  };

  // No component needs another to start (the API reaches DynamoDB only when
  // called), so all three start side by side.
  const failures: Error[] = [];
  const abort = () => void stop();
  options.signal?.addEventListener('abort', abort);
  await Promise.all(
    Object.values(components).map((component) =>
      component.start().catch((error: Error) => {
        failures.push(error);
        void stop(); // stop the others now rather than after they are up
      }),
    ),
  );
  options.signal?.removeEventListener('abort', abort);
  if (options.signal?.aborted) failures.unshift(new Error('start-up interrupted'));
  if (failures.length) {
    await stop();
    throw failures[0];
  }

  return { urls, env: await handlerEnv(urls, credentials, handlerSettings), credentials, forwardAuthKey, signingKeyDir, apiHttp: options.apiHttp ?? false, components, stop };
}

/** The handlers' key settings on a local stack: key files in `dir`, the gateway's proxy as the issuer. */
export function keysEnv(proxyUrl: string, dir: string): Record<string, string> {
  return { SIGNING_KEY_CUSTODY: 'file', SIGNING_KEY_DIR: dir, ISSUER_URL: proxyUrl };
}

/**
 * What a handler needs to run against the stack at `urls`, in-process or
 * under serverless-offline: the tables' names, the stack's addresses and
 * DynamoDB Local's credentials, with `extra` settings (BCRYPT_COST...).
 */
export async function handlerEnv(
  urls: Pick<Stack['urls'], 'dynamodb' | 'admin'>,
  credentials: LocalCredentials,
  extra: Record<string, string> = {},
): Promise<Record<string, string>> {
  return {
    ...(await tableEnvironment()), // cached: read from the print the tables were created from
    ...extra,
    // Last: credentials for real AWS in `extra` would see none of the stack's tables.
    ...localAwsEnv(credentials),
    DYNAMODB_ENDPOINT: urls.dynamodb,
    KONG_ADMIN_URL: urls.admin,
  };
}
