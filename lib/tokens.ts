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

/** The subject a token claims to be, before it is verified against that subject's credential. */
export function claimedSubject(token: string): string | undefined {
  const payload = jwt.decode(token, { json: true });
  return typeof payload?.sub === 'string' ? payload.sub : undefined;
}

/** Verifies signature, algorithm, issuer, subject and expiry; undefined if anything is off. */
export function verifyAccessToken(token: string, username: string, identity: KongIdentity): AccessTokenClaims | undefined {
  try {
    const claims = jwt.verify(token, hmacKey(identity.credentialSecret), {
      algorithms: ['HS256'],
      issuer: identity.credentialKey,
      subject: username,
    }) as AccessTokenClaims;
    return typeof claims.jti === 'string' && typeof claims.sid === 'string' ? claims : undefined;
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
