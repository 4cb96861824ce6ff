import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { nowSeconds } from '../platform/clock';

export interface AccessTokenClaims {
  /** The key id Kong's jwt plugin looks the credential up by. */
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  /** The session (one per signin) this token belongs to. */
  sid: string;
}

/** A key tokens are signed and verified with; `kid` is what names it in a token (`iss` for Kong's HS256 credentials). */
export interface SigningKey {
  kid: string;
  algorithm: 'HS256';
  key: KeyObject;
}

/**
 * Finds the key a token claims to be signed with, or undefined if there is
 * none (the shape of jose's `jwtVerify(token, getKey)`): rotation needs no
 * change here, only a resolver that knows the new key.
 */
export type KeyResolver = (claims: UnverifiedClaims) => Promise<SigningKey | undefined> | SigningKey | undefined;

/**
 * jsonwebtoken first tries to parse a string secret as a PEM key and throws
 * internally when it is not one; handing it a KeyObject skips that costly path.
 */
export const hmacKey = (kid: string, secret: string): SigningKey => ({
  kid,
  algorithm: 'HS256',
  key: createSecretKey(Buffer.from(secret, 'utf8')),
});

export type UnverifiedClaims = Pick<AccessTokenClaims, 'iss' | 'sub' | 'jti' | 'sid'>;

/** Signs and verifies access tokens of a fixed lifetime. */
export class AccessTokens {
  constructor(private readonly ttlSeconds: number) {}

  sign(subject: string, sessionId: string, signingKey: SigningKey) {
    const iat = nowSeconds();
    const claims: AccessTokenClaims = {
      iss: signingKey.kid,
      sub: subject,
      iat,
      exp: iat + this.ttlSeconds,
      jti: randomUUID(),
      sid: sessionId,
    };
    const token = jwt.sign(claims, signingKey.key, { algorithm: signingKey.algorithm });
    return { token, claims };
  }

  /**
   * What a token claims before it is verified: needed to find the key and
   * the state to verify it against.
   */
  unverifiedClaims(token: string): UnverifiedClaims | undefined {
    const payload = jwt.decode(token, { json: true });
    const { iss, sub, jti, sid } = payload ?? {};
    return typeof iss === 'string' && typeof sub === 'string' && typeof jti === 'string' && typeof sid === 'string'
      ? { iss, sub, jti, sid }
      : undefined;
  }

  /** Verifies signature, algorithm, issuer and expiry with the key `resolve` finds; undefined if anything is off. */
  async verify(token: string, resolve: KeyResolver): Promise<AccessTokenClaims | undefined> {
    const claimed = this.unverifiedClaims(token);
    const signingKey = claimed && (await resolve(claimed));
    if (!claimed || !signingKey) return undefined;
    try {
      return jwt.verify(token, signingKey.key, {
        algorithms: [signingKey.algorithm],
        issuer: signingKey.kid,
        subject: claimed.sub,
      }) as AccessTokenClaims;
    } catch {
      return undefined;
    }
  }
}
