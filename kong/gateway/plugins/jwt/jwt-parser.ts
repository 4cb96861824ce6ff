// Kong's jwt_parser.lua: decoding a token and verifying its signature, for
// every algorithm Kong 3.9 accepts. The handler and the DAO (key checks) use it.
import { constants, createHmac, createPublicKey, KeyObject, timingSafeEqual, verify } from 'node:crypto';
import { isRecord } from '../../core/util';

export type Key = Buffer | KeyObject;
type Verifier = (input: Buffer, signature: Buffer, key: Key) => boolean;

const hmac = (hash: string): Verifier => (input, signature, secret) => {
  const expected = createHmac(hash, secret as Buffer).update(input).digest();
  return expected.length === signature.length && timingSafeEqual(expected, signature);
};
const rsa = (hash: string): Verifier => (input, signature, key) => verify(hash, input, key as KeyObject, signature);
const pss = (hash: string): Verifier => (input, signature, key) =>
  verify(hash, input, { key: key as KeyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_AUTO }, signature);
// JWS ECDSA signatures are raw r||s of a fixed size (RFC 7518 3.4).
const ecdsa = (hash: string, size: number): Verifier => (input, signature, key) =>
  signature.length === size && verify(hash, input, { key: key as KeyObject, dsaEncoding: 'ieee-p1363' }, signature);

const VERIFIERS = {
  HS256: hmac('sha256'),
  HS384: hmac('sha384'),
  HS512: hmac('sha512'),
  RS256: rsa('sha256'),
  RS384: rsa('sha384'),
  RS512: rsa('sha512'),
  ES256: ecdsa('sha256', 64),
  ES384: ecdsa('sha384', 96),
  ES512: ecdsa('sha512', 132),
  PS256: pss('sha256'),
  PS384: pss('sha384'),
  PS512: pss('sha512'),
  EdDSA: ((input, signature, key) => verify(null, input, key as KeyObject, signature)) as Verifier,
};

export type Algorithm = keyof typeof VERIFIERS;
export const ALGORITHMS = Object.keys(VERIFIERS) as Algorithm[];
/** Algorithms whose credentials must carry a valid rsa_public_key (Kong's schema; ES* is not checked). */
export const PUBLIC_KEY_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'EdDSA'];

export const isAlgorithm = (alg: unknown): alg is Algorithm => typeof alg === 'string' && Object.hasOwn(VERIFIERS, alg);

export function parsePublicKey(pem: string): KeyObject | null {
  try {
    return createPublicKey(pem);
  } catch {
    return null;
  }
}

/** ngx.decode_base64url as Kong calls it: stops at '=', rejects foreign characters and impossible lengths. */
export function decodeBase64Url(part: string): Buffer | null {
  const end = part.indexOf('=');
  const data = end === -1 ? part : part.slice(0, end);
  if (!/^[A-Za-z0-9_-]*$/.test(data) || data.length % 4 === 1) return null;
  return Buffer.from(data, 'base64url');
}

function decodeJson(part: string): unknown {
  const bytes = decodeBase64Url(part);
  if (bytes === null) throw new SyntaxError('bad base64url');
  return JSON.parse(bytes.toString('utf8'));
}

export interface Token {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

/** Kong's jwt_parser: the error strings complete "Bad token; ...". */
export function decodeToken(token: string): Token | string {
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  if (second === -1) return 'invalid JSON';
  let header: unknown;
  let claims: unknown;
  try {
    header = decodeJson(token.slice(0, first));
    claims = decodeJson(token.slice(first + 1, second));
  } catch {
    return 'invalid JSON';
  }
  const alg = isRecord(header) ? own(header, 'alg') : undefined;
  if (!isAlgorithm(alg)) return 'invalid alg';
  if (claims === false) return 'invalid claims';
  const signature = decodeBase64Url(token.slice(second + 1));
  if (signature === null) return 'invalid signature';
  return {
    header: header as Record<string, unknown>,
    claims: isRecord(claims) ? claims : {},
    signingInput: Buffer.from(token.slice(0, second)),
    signature,
  };
}

/** A field of a decoded JSON object, never one inherited from Object.prototype. */
export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** Whether the token's signature verifies with this key. */
export function verifies(token: Token, key: Key): boolean {
  try {
    return VERIFIERS[token.header.alg as Algorithm](token.signingInput, token.signature, key);
  } catch {
    return false; // a key that does not fit the algorithm
  }
}
