import { createHmac, sign as cryptoSign, type KeyObject } from 'node:crypto';

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

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * A signer holding its key in memory: a JWS compact serialization (RFC 7515
 * §7.1) made with node:crypto. Hand-written rather than jsonwebtoken (which
 * brought semver and lodash into every signing function's bundle, issue 27)
 * or jose's SignJWT (which re-encodes the header and re-checks the key on
 * every call): the encoded header is made once per `typ`, the key is a
 * prepared KeyObject, and ES256 signatures are raw R||S (ieee-p1363), as JWS
 * and Kong want them. Verification stays with jose (access-tokens.ts).
 */
export function localSigner(algorithm: SigningAlgorithm, key: KeyObject, kid?: string): JwtSigner {
  const headers = new Map<TokenType, string>();
  const header = (typ: TokenType) => {
    let encoded = headers.get(typ);
    if (encoded === undefined) headers.set(typ, (encoded = base64url(JSON.stringify(kid === undefined ? { alg: algorithm, typ } : { alg: algorithm, typ, kid }))));
    return encoded;
  };
  const signature = (input: string): string => {
    if (algorithm === 'HS256') return createHmac('sha256', key).update(input).digest('base64url');
    return cryptoSign('sha256', Buffer.from(input), algorithm === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key).toString('base64url');
  };
  return {
    algorithm,
    kid,
    sign: async (claims, typ = 'JWT') => {
      const input = `${header(typ)}.${base64url(JSON.stringify(claims))}`;
      return `${input}.${signature(input)}`;
    },
  };
}
