import { readBoolean, readInt, readOptional, readString } from '../platform/env';
import { parseOrigins } from '../platform/origin';

/**
 * Browser-session settings, read once at cold start by the functions that
 * use them, so that a misconfigured deployment fails with a clear message.
 */
const env = process.env;

const idleSeconds = readInt(env, 'SESSION_IDLE_TIMEOUT_SECONDS', 30 * 60, 1, 24 * 3600);

export const browserConfig = Object.freeze({
  /** Only the local stack turns it off, for plain http on 127.0.0.1. */
  cookieSecure: readBoolean(env, 'SESSION_COOKIE_SECURE', true),
  idleSeconds,
  absoluteSeconds: readInt(env, 'SESSION_ABSOLUTE_LIFETIME_SECONDS', 12 * 3600, 1, 30 * 24 * 3600),
  /** The origins our own pages are served from: cookie-authenticated changes from any other are refused. */
  allowedOrigins: parseOrigins('BROWSER_ALLOWED_ORIGINS', readOptional(env, 'BROWSER_ALLOWED_ORIGINS')),
  /** The identity token the gateway hands to services: for whom, and for how long. */
  identityAudience: readString(env, 'IDENTITY_TOKEN_AUDIENCE', 'userprofile'),
  identityTtlSeconds: readInt(env, 'IDENTITY_TOKEN_TTL_SECONDS', 60, 10, 300),
});
