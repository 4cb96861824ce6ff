/** The Kong-compatible local gateway (kong/gateway), as one component of the stack. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { LogSink } from './child';
import { childComponent, type Component, type CrashHandler } from './component';
import { randomForwardAuthKey } from './forward-auth-key';
import { LOCAL_REGION, LOCAL_STAGE } from './local-aws';
import type { RateLimitPolicy, RateLimits } from './stack';
import { REPO_ROOT } from './paths';
import { sessionCookieName } from '../../lib/browser-sessions/cookie';

/** What kong.yml's decK values say on the local stack (deckEnv). */
export interface DeckSettings {
  /** The gateway's proxy port: forward-auth asks the session routes there. */
  proxyPort: number;
  /** serverless-offline's Lambda Invoke port, which kong.yml's aws-lambda plugins call. */
  lambdaPort: number;
  rateLimits: RateLimits;
  /** Where kong.yml's rate limits count (DECK_RATE_LIMIT_POLICY and Redis's address). */
  rateLimitPolicy: RateLimitPolicy;
  /** Origins whose pages may call the public, session and profile routes (DECK_CORS_ORIGINS). */
  corsOrigins: readonly string[];
  /** forward-auth's cache_ttl on the browser routes (DECK_SESSION_CACHE_TTL). */
  sessionCacheTtlSeconds: number;
  /** The gateway's key for session-authenticate (DECK_FORWARD_AUTH_KEY); default: a new random one. */
  forwardAuthKey?: string;
}

export interface GatewayOptions extends DeckSettings {
  adminPort: number;
  /** Where consumers and credentials are kept; undefined keeps them in memory. */
  dataFile?: string;
  /** KONG_TRUSTED_IPS, KONG_REAL_IP_HEADER, KONG_REAL_IP_RECURSIVE for the gateway (stack.ts realIpSettings). */
  realIp?: Record<string, string>;
  log?: LogSink;
  onCrash?: CrashHandler;
}

const READY_TIMEOUT_MS = 30_000;

/**
 * kong.yml's aws-lambda settings for the local stack: serverless-offline's
 * Invoke API on loopback, over plain HTTP, with its local-stage function names.
 */
function lambdaDeckEnv(lambdaPort: number): Record<string, string> {
  return {
    DECK_FUNCTION_PREFIX: `kong-lambda-auth-${LOCAL_STAGE}-`,
    DECK_AWS_REGION: LOCAL_REGION,
    DECK_LAMBDA_HOST: '127.0.0.1',
    DECK_LAMBDA_PORT: String(lambdaPort),
    DECK_LAMBDA_DISABLE_HTTPS: 'true',
  };
}

/**
 * kong.yml's forward-auth settings for the local stack: the identity
 * provider is this gateway's own proxy (the session routes), as in AWS it is
 * Kong's; `cacheTtlSeconds` is how long a signed-out session may keep working.
 */
function sessionDeckEnv(proxyPort: number, cacheTtlSeconds: number, forwardAuthKey: string): Record<string, string> {
  return {
    DECK_SESSION_AUTHENTICATE_URL: `http://127.0.0.1:${proxyPort}/api/session/authenticate`,
    DECK_SESSION_CACHE_TTL: String(cacheTtlSeconds),
    // The consumer forward-auth's key, which it sends: session-authenticate answers the gateway only.
    DECK_FORWARD_AUTH_KEY: forwardAuthKey,
    // Plain http here (browser-env.ts: SESSION_COOKIE_SECURE=false), so the cookie's bare name.
    DECK_SESSION_COOKIE: sessionCookieName(false),
  };
}

/**
 * kong.yml's rate limits: the limits per minute, and where they count. With
 * the local policy the Redis address is still filled in (Kong's schema wants a
 * valid host there whatever the policy) and never used.
 */
function rateLimitDeckEnv(limits: RateLimits, policy: RateLimitPolicy): Record<string, string> {
  return {
    DECK_PUBLIC_RATE_LIMIT_PER_MINUTE: String(limits.public),
    DECK_PROTECTED_RATE_LIMIT_PER_MINUTE: String(limits.protected),
    DECK_PASSWORD_RATE_LIMIT_PER_MINUTE: String(limits.password),
    DECK_INTROSPECT_RATE_LIMIT_PER_MINUTE: String(limits.introspect),
    DECK_BROWSER_RATE_LIMIT_PER_MINUTE: String(limits.browser),
    DECK_RATE_LIMIT_POLICY: policy.policy,
    DECK_REDIS_HOST: policy.policy === 'redis' ? policy.host : '127.0.0.1',
    DECK_REDIS_PORT: String(policy.policy === 'redis' ? policy.port : 6379),
  };
}

/**
 * kong.yml's cors origins: decK pastes the value as text into a YAML flow
 * sequence (`[…, ${{ env "DECK_CORS_ORIGINS" }}]`), so a list is the origins
 * joined by commas, and none is the empty string. Only plain origins are
 * accepted: anything else would change the YAML, or be a regex to Kong.
 */
export function corsDeckEnv(origins: readonly string[]): Record<string, string> {
  for (const origin of origins) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new Error(`CORS origin '${origin}' is not an origin as browsers send it (scheme://host[:port], lower case, no path)`);
    }
  }
  return { DECK_CORS_ORIGINS: origins.join(', ') };
}

/** Every decK value kong/kong.yml reads, as the local stack sets them (the gateway, and tests and bench that start one). */
export function deckEnv(settings: DeckSettings): Record<string, string> {
  return {
    ...lambdaDeckEnv(settings.lambdaPort),
    ...sessionDeckEnv(settings.proxyPort, settings.sessionCacheTtlSeconds, settings.forwardAuthKey ?? randomForwardAuthKey()),
    ...rateLimitDeckEnv(settings.rateLimits, settings.rateLimitPolicy),
    ...corsDeckEnv(settings.corsOrigins),
  };
}

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
          // Carries Kong's settings KONG_TRUSTED_IPS, KONG_REAL_IP_HEADER,
          // KONG_REAL_IP_RECURSIVE and KONG_HEADERS to the gateway (cli.ts), when set.
          ...process.env,
          GATEWAY_CONFIG: path.join(REPO_ROOT, 'kong', 'kong.yml'),
          GATEWAY_DATA_FILE: options.dataFile ?? ':memory:',
          KONG_PROXY_PORT: String(options.proxyPort),
          KONG_ADMIN_PORT: String(options.adminPort),
          ...options.realIp,
          ...deckEnv(options),
          // The Invoke calls are signed, so some key is needed; serverless-offline checks none.
          AWS_ACCESS_KEY_ID: 'local-gateway',
          AWS_SECRET_ACCESS_KEY: 'local-gateway',
        },
        log: options.log,
      };
    },
    waitUntilReady: (child) => child.waitForLine((line) => line.startsWith('gateway ready'), READY_TIMEOUT_MS),
    onCrash: options.onCrash,
  });
}
