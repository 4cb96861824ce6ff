import type { JWK } from 'jose';
import type { SigningKeys } from '../keys/signing-keys';

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
 * Signs short-lived identity tokens for one audience. Unit tests hold
 * a one-key double of it (test/unit/support/identity-token-signer.ts).
 */
export interface IdentityTokenSigner {
  sign(claims: IdentityClaims, audience: string, ttlSeconds: number): Promise<string>;
  /** The public keys tokens can be verified with (RFC 7517), for the JWKS route. */
  jwks(): Promise<{ keys: JWK[] }>;
}

/** The signer over a keyring: absent claims are left out rather than sent empty. */
export function identityTokenSigner(keys: Pick<SigningKeys, 'signJwt' | 'jwks'>): IdentityTokenSigner {
  return {
    sign: (claims, audience, ttlSeconds) => {
      const present = Object.entries(claims).filter(([, value]) => value !== undefined && value !== '');
      return keys.signJwt({ ...Object.fromEntries(present), sub: claims.sub, aud: audience }, ttlSeconds);
    },
    jwks: () => keys.jwks() as ReturnType<IdentityTokenSigner['jwks']>,
  };
}
