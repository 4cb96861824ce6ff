import type { KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** The algorithms the service signs with: HS256 with a user's Kong secret, ES256 or RS256 with its own keys. */
export type SigningAlgorithm = 'HS256' | 'ES256' | 'RS256';

/**
 * Turns claims into a signed JWT. Where the key is (a KeyObject in memory, a
 * key in AWS KMS) is the implementation's business: callers only name the
 * claims. `kid`, when set, goes in the header (RFC 7515 §4.1.4) so that a
 * verifier finds the key in the JWKS.
 */
export interface JwtSigner {
  readonly algorithm: SigningAlgorithm;
  readonly kid?: string;
  sign(claims: object): Promise<string>;
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
    sign: async (claims) => jwt.sign(claims, key, options),
  };
}
