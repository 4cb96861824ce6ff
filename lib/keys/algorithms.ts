import { createHash, createPublicKey, generateKeyPair, KeyObject, type JsonWebKey } from 'node:crypto';

/** The service's own key algorithms: ECDSA P-256 (the default) and RSA. */
export const KEY_ALGORITHMS = ['ES256', 'RS256'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** RSA keys shorter than this are refused (NIST SP 800-131A). */
const MIN_RSA_BITS = 2048;

/** A public key as the JWKS publishes it (RFC 7517, RFC 7518 §6). */
export interface PublicJwk {
  kty: 'EC' | 'RSA';
  kid: string;
  alg: KeyAlgorithm;
  use: 'sig';
  crv?: string;
  x?: string;
  y?: string;
  n?: string;
  e?: string;
}

/** A public key checked to fit its algorithm, in the forms its users need. */
export interface PublicKey {
  kid: string;
  algorithm: KeyAlgorithm;
  key: KeyObject;
  jwk: PublicJwk;
  /** SPKI PEM, for Kong's `rsa_public_key` (its name; Kong takes EC keys there too). */
  pem: string;
}

/**
 * The RFC 7638 thumbprint that names a key (its `kid`): the SHA-256 of the
 * key's required members, in lexicographic order, without whitespace.
 * Any party can recompute it from the JWKS entry.
 */
export function thumbprint(jwk: JsonWebKey): string {
  const members = jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { e: jwk.e, kty: jwk.kty, n: jwk.n };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

/**
 * Checks that `key` is a public key `algorithm` can verify with, and gives it
 * in every form it is used in. Kong accepts for an ES256 credential a key it
 * cannot use (a P-384 key, an RSA key, garbage) and fails only when a token
 * arrives, so nothing reaches Kong, the JWKS or a verifier without passing here.
 */
export function publicKey(key: KeyObject | JsonWebKey | PublicJwk, algorithm: KeyAlgorithm): PublicKey {
  let object: KeyObject;
  try {
    object = key instanceof KeyObject ? key : createPublicKey({ key: key as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new Error(`not a public key for ${algorithm}`, { cause: error });
  }
  if (object.type === 'private') object = createPublicKey(object);
  const details = object.asymmetricKeyDetails ?? {};
  const fits =
    algorithm === 'ES256'
      ? object.asymmetricKeyType === 'ec' && details.namedCurve === 'prime256v1'
      : object.asymmetricKeyType === 'rsa' && (details.modulusLength ?? 0) >= MIN_RSA_BITS;
  if (object.type !== 'public' || !fits) {
    throw new Error(`not a public key for ${algorithm}: ${object.asymmetricKeyType} ${details.namedCurve ?? details.modulusLength ?? ''}`.trim());
  }
  const exported = object.export({ format: 'jwk' });
  const kid = thumbprint(exported);
  const jwk: PublicJwk =
    algorithm === 'ES256'
      ? { kty: 'EC', kid, alg: algorithm, use: 'sig', crv: exported.crv, x: exported.x, y: exported.y }
      : { kty: 'RSA', kid, alg: algorithm, use: 'sig', n: exported.n, e: exported.e };
  return { kid, algorithm, key: object, jwk, pem: object.export({ type: 'spki', format: 'pem' }).toString() };
}

/** A new private key for `algorithm` (generated off the main thread). */
export function generatePrivateKey(algorithm: KeyAlgorithm): Promise<KeyObject> {
  return new Promise((resolve, reject) => {
    const done = (error: Error | null, _public: KeyObject, privateKey: KeyObject) => (error ? reject(error) : resolve(privateKey));
    if (algorithm === 'ES256') generateKeyPair('ec', { namedCurve: 'P-256' }, done);
    else generateKeyPair('rsa', { modulusLength: MIN_RSA_BITS }, done);
  });
}
