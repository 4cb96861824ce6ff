import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import * as v from 'valibot';
import { USERNAME_PATTERN } from '../accounts/schemas';
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

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What the service itself issues, and nothing looser: a token that does not
 * fit is refused before any key or storage is looked up, so junk costs no
 * DynamoDB call and cannot reach one with values it would reject.
 */
const identifyingClaims = v.object({
  iss: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  sub: v.pipe(v.string(), v.regex(USERNAME_PATTERN)),
  jti: v.pipe(v.string(), v.regex(UUID)),
  sid: v.pipe(v.string(), v.regex(UUID)),
});
const seconds = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const timeClaims = v.object({ iat: seconds, exp: seconds });

/**
 * The token in an `Authorization: Bearer` header (RFC 6750 §2.1): the scheme
 * is case-insensitive, one or more spaces may follow it, and the token is
 * b64token characters. Every protected route reads it through here.
 */
export function bearerToken(header: string | undefined): string | undefined {
  return /^[ \t]*bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(header ?? '')?.[1];
}

/** Signs and verifies access tokens of a fixed lifetime. */
export class AccessTokens {
  /**
   * @param ttlSeconds the lifetime of the tokens this service signs
   * @param maxLifetimeSeconds the longest lifetime accepted, as Kong's jwt
   *   `maximum_expiration`: no token may live longer, wherever it came from
   */
  constructor(
    private readonly ttlSeconds: number,
    private readonly maxLifetimeSeconds: number,
  ) {}

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
   * What a token claims before it is verified, if it is shaped like one this
   * service issues: needed to find the key and the state to verify it against.
   */
  unverifiedClaims(token: string): UnverifiedClaims | undefined {
    const result = v.safeParse(identifyingClaims, jwt.decode(token, { json: true }));
    if (!result.success) return undefined;
    const { iss, sub, jti, sid } = result.output;
    return { iss, sub, jti, sid };
  }

  /**
   * Verifies signature, algorithm, issuer, subject and time with the key
   * `resolve` finds: `iat` and `exp` must be whole seconds, the token not
   * expired, and its lifetime within the maximum. Undefined if anything is off.
   */
  async verify(token: string, resolve: KeyResolver): Promise<AccessTokenClaims | undefined> {
    const claimed = this.unverifiedClaims(token);
    const signingKey = claimed && (await resolve(claimed));
    if (!claimed || !signingKey) return undefined;
    let payload: unknown;
    try {
      payload = jwt.verify(token, signingKey.key, { algorithms: [signingKey.algorithm], issuer: signingKey.kid, subject: claimed.sub });
    } catch {
      return undefined;
    }
    const times = v.safeParse(timeClaims, payload);
    if (!times.success) return undefined;
    const { iat, exp } = times.output;
    const now = nowSeconds();
    if (exp <= now || exp - iat > this.maxLifetimeSeconds || exp - now > this.maxLifetimeSeconds) return undefined;
    return { ...claimed, iat, exp };
  }
}
