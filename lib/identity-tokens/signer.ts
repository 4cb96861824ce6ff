import { createPrivateKey, createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import { nowSeconds } from '../platform/clock';

/**
 * Who a browser session belongs to, as the identity token tells a service
 * behind the gateway. Standard JWT/OIDC claim names where there is one;
 * `uid` is the account's immutable id (usernames can be reused).
 */
export interface IdentityClaims {
  sub: string;
  uid: string;
  email?: string;
  given_name?: string;
}

/**
 * Signs short-lived identity tokens for one audience. Written against this
 * interface, so that the signer can become the service's own key management
 * (a KMS key, rotation) without the browser flows noticing.
 */
export interface IdentityTokenSigner {
  sign(claims: IdentityClaims, audience: string, ttlSeconds: number): Promise<string>;
  /** The public keys tokens can be verified with (RFC 7517), for the JWKS route. */
  jwks(): Promise<{ keys: JWK[] }>;
}

/** An EC P-256 private key, from a PEM (PKCS #8 or SEC 1) text. */
export function es256PrivateKey(pem: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    throw new Error('Invalid configuration: the identity signing key is not a PEM private key', { cause: error });
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error('Invalid configuration: the identity signing key must be an EC P-256 key (ES256)');
  }
  return key;
}

/** The key named by the settings: inline PEM (`IDENTITY_SIGNING_KEY`) or a file holding one (`IDENTITY_SIGNING_KEY_FILE`). */
export function signingKeyFromEnv(env: Record<string, string | undefined>): KeyObject {
  const { IDENTITY_SIGNING_KEY: inline, IDENTITY_SIGNING_KEY_FILE: file } = env;
  if (inline && file) throw new Error('Invalid configuration: set IDENTITY_SIGNING_KEY or IDENTITY_SIGNING_KEY_FILE, not both');
  // A PEM passed through a one-line setting (a deploy parameter) may have its line breaks written as \n.
  if (inline) return es256PrivateKey(inline.includes('\n') ? inline : inline.replace(/\\n/g, '\n'));
  if (!file) throw new Error('Invalid configuration: IDENTITY_SIGNING_KEY or IDENTITY_SIGNING_KEY_FILE is required');
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`Invalid configuration: cannot read IDENTITY_SIGNING_KEY_FILE=${file}`, { cause: error });
  }
  return es256PrivateKey(pem);
}

/**
 * ES256 with one key held by the service; its `kid` is the key's RFC 7638
 * thumbprint, so it names the key itself and changes with it.
 */
export class Es256IdentityTokenSigner implements IdentityTokenSigner {
  private readonly publicJwk: JWK;
  private kid?: Promise<string>;

  constructor(
    private readonly privateKey: KeyObject,
    private readonly issuer: string,
  ) {
    // Only the members RFC 7638 hashes for an EC key: nothing private can slip into the JWKS.
    const { kty, crv, x, y } = createPublicKey(privateKey).export({ format: 'jwk' }) as Required<Pick<JWK, 'kty' | 'crv' | 'x' | 'y'>>;
    this.publicJwk = { kty, crv, x, y };
  }

  private keyId(): Promise<string> {
    return (this.kid ??= calculateJwkThumbprint(this.publicJwk, 'sha256'));
  }

  async sign(claims: IdentityClaims, audience: string, ttlSeconds: number): Promise<string> {
    const iat = nowSeconds();
    // Absent claims are left out rather than sent empty.
    const payload = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined && value !== ''));
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'ES256', kid: await this.keyId(), typ: 'JWT' })
      .setIssuer(this.issuer)
      .setAudience(audience)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    return { keys: [{ ...this.publicJwk, kid: await this.keyId(), alg: 'ES256', use: 'sig' }] };
  }
}
