/**
 * All configuration, read from the environment once and checked here, so a
 * misconfigured deployment fails at cold start with a clear message instead
 * of misbehaving on some later request.
 */

/** kong/kong.yml's jwt `maximum_expiration`: the gateway refuses longer-lived tokens. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 3600;

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

function readInt(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`Invalid configuration: ${name}=${raw} must be an integer from ${min} to ${max}`);
  }
  return value;
}

function readString(name: string, fallback?: string): string {
  const value = process.env[name] || fallback;
  if (!value) throw new Error(`Invalid configuration: ${name} is required`);
  return value;
}

function readUrl(name: string, fallback: string): string {
  const value = readString(name, fallback);
  try {
    return new URL(value).toString().replace(/\/$/, '');
  } catch {
    throw new Error(`Invalid configuration: ${name}=${value} is not a URL`);
  }
}

function readChoice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
  const value = process.env[name] || fallback;
  if (!choices.includes(value as T)) throw new Error(`Invalid configuration: ${name}=${value} must be one of ${choices.join(', ')}`);
  return value as T;
}

export const config = Object.freeze({
  usersTable: readString('USERS_TABLE'),
  tokensTable: readString('TOKENS_TABLE'),
  /** Unset in AWS; DynamoDB Local's URL when running locally. */
  dynamodbEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
  dynamodbTimeoutMs: readInt('DYNAMODB_TIMEOUT_MS', 2000, 100, 30000),
  kongAdminUrl: readUrl('KONG_ADMIN_URL', 'http://127.0.0.1:8001'),
  kongAdminTimeoutMs: readInt('KONG_ADMIN_TIMEOUT_MS', 3000, 100, 30000),
  accessTokenTtlSeconds: readInt('ACCESS_TOKEN_TTL_SECONDS', 900, 60, MAX_ACCESS_TOKEN_TTL_SECONDS),
  refreshTokenTtlSeconds: readInt('REFRESH_TOKEN_TTL_SECONDS', 7 * 24 * 3600, 300, 90 * 24 * 3600),
  /** bcrypt work factor: 10 or more in production; tests may lower it to 4. */
  bcryptCost: readInt('BCRYPT_COST', 10, 4, 15),
  logLevel: readChoice('LOG_LEVEL', LOG_LEVELS, 'info'),
});
