import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import * as v from 'valibot';
import { USERNAME_PATTERN } from '../accounts/schemas';
import { nowSeconds } from '../platform/clock';
import type { JwtSigner, SigningAlgorithm } from './signer';

export interface AccessTokenClaims {
  /**
   * The key of the user's Kong credential, which Kong's jwt plugin finds the
   * credential by (lib/kong/credentials.ts): Kong-generated for HS256, one per
   * user and signing key for ES256/RS256.
   */
  iss: string;
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  /** The session (one per signin) this token belongs to. */
  sid: string;
}

/**
 * What a token is verified with: the key, the one algorithm accepted with it,
 * and the `iss` the token must carry (the Kong credential's key, which Kong
 * found the credential by).
 */
export interface VerificationKey {
  issuer: string;
  algorithm: SigningAlgorithm;
  key: KeyObject;
}

/**
 * Finds the key a token claims to be signed with, or undefined if there is
 * none (the shape of jose's `jwtVerify(token, getKey)`): rotation needs no
 * change here, only a resolver that knows the new key.
 */
export type KeyResolver = (claims: UnverifiedClaims) => Promise<VerificationKey | undefined> | VerificationKey | undefined;

/**
 * An HS256 secret as a KeyObject: jsonwebtoken first tries to parse a string
 * secret as a PEM key and throws internally when it is not one; handing it a
 * KeyObject skips that costly path.
 */
export const secretKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

/** What a token claims before it is verified; `kid` is its header's, present on tokens signed with the service's own keys. */
export type UnverifiedClaims = Pick<AccessTokenClaims, 'iss' | 'sub' | 'jti' | 'sid'> & { kid?: string };

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
/** An RFC 7638 thumbprint, as the service names its keys. */
const headerFields = v.object({ kid: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/))) });
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

  /** A token for `subject` in session `sessionId`, carrying `issuer` as `iss` (the Kong credential's key). */
  async sign(subject: string, sessionId: string, issuer: string, signer: JwtSigner) {
    const iat = nowSeconds();
    const claims: AccessTokenClaims = {
      iss: issuer,
      sub: subject,
      iat,
      exp: iat + this.ttlSeconds,
      jti: randomUUID(),
      sid: sessionId,
    };
    return { token: await signer.sign(claims), claims };
  }

  /**
   * What a token claims before it is verified, if it is shaped like one this
   * service issues: needed to find the key and the state to verify it against.
   */
  unverifiedClaims(token: string): UnverifiedClaims | undefined {
    const decoded = jwt.decode(token, { complete: true, json: true });
    const claims = v.safeParse(identifyingClaims, decoded?.payload);
    const head = v.safeParse(headerFields, decoded?.header);
    if (!claims.success || !head.success) return undefined;
    const { iss, sub, jti, sid } = claims.output;
    const { kid } = head.output;
    return kid === undefined ? { iss, sub, jti, sid } : { iss, sub, jti, sid, kid };
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
      payload = jwt.verify(token, signingKey.key, { algorithms: [signingKey.algorithm], issuer: signingKey.issuer, subject: claimed.sub });
    } catch {
      return undefined;
    }
    const times = v.safeParse(timeClaims, payload);
    if (!times.success) return undefined;
    const { iat, exp } = times.output;
    const now = nowSeconds();
    if (exp <= now || exp - iat > this.maxLifetimeSeconds || exp - now > this.maxLifetimeSeconds) return undefined;
    const { iss, sub, jti, sid } = claimed;
    return { iss, sub, jti, sid, iat, exp };
  }
}
