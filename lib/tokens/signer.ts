import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** The algorithms the service signs with: HS256 with a user's Kong secret, ES256 or RS256 with its own keys. */
export type SigningAlgorithm = 'HS256' | 'ES256' | 'RS256';

/**
 * The header's `typ` (RFC 7515 §4.1.9), which tells the service's tokens
 * apart (explicit typing, RFC 8725 §3.11), so that none can stand in for
 * another even where they share a key and an issuer:
 * - `at+jwt`: access tokens (RFC 9068), aud = the configured resource audiences;
 * - `identity+jwt`: identity tokens of browser sessions (design 003,
 *   lib/identity-tokens), aud = the profile service;
 * - `JWT`: OpenID Connect ID tokens (to come: aud = the client's id), and
 *   tokens for other services (design 004, SigningKeys.signJwt).
 */
export type TokenType = 'at+jwt' | 'identity+jwt' | 'JWT';

/**
 * Turns claims into a signed JWT. Where the key is (a KeyObject in memory, a
 * key in AWS KMS) is the implementation's business: callers only name the
 * claims and the token's `typ` (JWT unless said). `kid`, when set, goes in the
 * header (RFC 7515 §4.1.4) so that a verifier finds the key in the JWKS.
 */
export interface JwtSigner {
  readonly algorithm: SigningAlgorithm;
  readonly kid?: string;
  sign(claims: object, typ?: TokenType): Promise<string>;
}

/**
 * A header `typ` as RFC 7515 §4.1.9 compares it: case-insensitive, with or
 * without the `application/` prefix (which `at+jwt` omits); anything else,
 * absent included, is no type.
 */
export function normalizedType(typ: unknown): string | undefined {
  if (typeof typ !== 'string') return undefined;
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * A signer holding its key in memory, signing with jsonwebtoken. The key is a
 * prepared KeyObject: jsonwebtoken would otherwise parse a PEM, or try a
 * secret string as one, on every call.
 */
export function localSigner(algorithm: SigningAlgorithm, key: KeyObject, kid?: string): JwtSigner {
  const options: jwt.SignOptions = kid === undefined ? { algorithm } : { algorithm, keyid: kid };
  return {
    algorithm,
    kid,
    sign: async (claims, typ = 'JWT') => jwt.sign(claims, key, { ...options, header: { alg: algorithm, typ } }),
  };
}
