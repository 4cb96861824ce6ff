import { createLocalJWKSet, createRemoteJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import { readInt, readOptional, readString } from '../platform/env';
import { parseOrigins } from '../platform/origin';

/**
 * The user-profile service's settings, its own: its table, where the
 * identity provider's public keys are, and what its identity tokens say.
 */
const env = process.env;

function identityKeys(): JWTVerifyGetKey {
  const url = readOptional(env, 'IDENTITY_JWKS_URL');
  const inline = readOptional(env, 'IDENTITY_JWKS');
  if (url && inline) throw new Error('Invalid configuration: set IDENTITY_JWKS_URL or IDENTITY_JWKS, not both');
  if (inline) {
    try {
      return createLocalJWKSet(JSON.parse(inline) as JSONWebKeySet);
    } catch (error) {
      throw new Error('Invalid configuration: IDENTITY_JWKS is not a JSON Web Key Set', { cause: error });
    }
  }
  if (!url) throw new Error('Invalid configuration: IDENTITY_JWKS_URL or IDENTITY_JWKS is required');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`Invalid configuration: IDENTITY_JWKS_URL=${url} is not a URL`);
  }
  // Fetched once per container and kept; a token with a kid not in it refetches, at most every 30 s.
  return createRemoteJWKSet(parsed, {
    timeoutDuration: readInt(env, 'IDENTITY_JWKS_TIMEOUT_MS', 2000, 100, 30000),
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
}

export const profileConfig = Object.freeze({
  profilesTable: readString(env, 'PROFILES_TABLE'),
  identityKeys: identityKeys(),
  identityIssuer: readString(env, 'IDENTITY_TOKEN_ISSUER', 'kong-lambda-auth'),
  identityAudience: readString(env, 'IDENTITY_TOKEN_AUDIENCE', 'userprofile'),
  allowedOrigins: parseOrigins('BROWSER_ALLOWED_ORIGINS', readOptional(env, 'BROWSER_ALLOWED_ORIGINS')),
});
