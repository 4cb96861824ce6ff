import { createPublicKey, randomUUID, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, SignJWT, type JWK } from 'jose';
import type { IdentityClaims, IdentityTokenSigner } from '../../../lib/identity-tokens/identity-tokens';
import { nowSeconds } from '../../../lib/platform/clock';

/**
 * A test double of the identity signer: ES256 with one key in memory; its `kid` is the key's RFC 7638
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
      .setProtectedHeader({ alg: 'ES256', kid: await this.keyId(), typ: 'identity+jwt' })
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
