import { createHash, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { config } from './config';
import { nowSeconds } from './dynamodb';
import type { KongIdentity } from './users';

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  /** The refresh-token family (one per signin) this token belongs to. */
  sid: string;
}

/**
 * jsonwebtoken first tries to parse a string secret as a PEM key and throws
 * internally when it is not one; handing it a KeyObject skips that costly path.
 */
const hmacKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

/** HS256 with the consumer's Kong credential: `iss` is the key Kong's jwt plugin looks up. */
export function signAccessToken(username: string, identity: KongIdentity, familyId: string) {
  const iat = nowSeconds();
  const claims: AccessTokenClaims = {
    iss: identity.credentialKey,
    sub: username,
    iat,
    exp: iat + config.accessTokenTtlSeconds,
    jti: randomUUID(),
    sid: familyId,
  };
  const token = jwt.sign(claims, hmacKey(identity.credentialSecret), { algorithm: 'HS256' });
  return { token, claims };
}

/**
 * What a token claims (subject, id, session) before it is verified: needed to
 * find the credential to verify it with.
 */
export function unverifiedClaims(token: string): Pick<AccessTokenClaims, 'sub' | 'jti' | 'sid'> | undefined {
  const payload = jwt.decode(token, { json: true });
  const { sub, jti, sid } = payload ?? {};
  return typeof sub === 'string' && typeof jti === 'string' && typeof sid === 'string' ? { sub, jti, sid } : undefined;
}

/** Verifies signature, algorithm, issuer, subject and expiry; undefined if anything is off. */
export function verifyAccessToken(token: string, username: string, identity: KongIdentity): AccessTokenClaims | undefined {
  try {
    const claims = jwt.verify(token, hmacKey(identity.credentialSecret), {
      algorithms: ['HS256'],
      issuer: identity.credentialKey,
      subject: username,
    }) as AccessTokenClaims;
    return claims;
  } catch {
    return undefined;
  }
}

/** Refresh tokens are opaque: 256 random bits; only their SHA-256 is stored. */
export function newRefreshToken() {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string) => createHash('sha256').update(token).digest('hex');
