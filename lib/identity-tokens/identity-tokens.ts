import type { JWK } from 'jose';
import type { SigningKeys } from '../keys/signing-keys';
import type { TokenType } from '../tokens/signer';

/**
 * The header `typ` of identity tokens: their own (RFC 8725 §3.11), as their
 * `aud` (IDENTITY_TOKEN_AUDIENCE, the profile service) is, so that an identity
 * token is never taken for an access token (`at+jwt`, aud ACCESS_TOKEN_AUDIENCE)
 * nor for an OpenID Connect ID token (`JWT`, aud the client's id; to come), and
 * none of those for an identity token, though one key and one issuer sign them
 * all. The profile service checks it (lib/profiles/identity.ts, which imports
 * nothing of this service's and so names it again).
 */
export const IDENTITY_TOKEN_TYPE = 'identity+jwt' satisfies TokenType;

/**
 * Who a browser session belongs to, as the identity token tells a service
 * behind the gateway. Standard JWT/OIDC claim names where there is one;
 * `uid` is the account's immutable id (usernames can be reused).
 */
export interface IdentityClaims {
  sub: string;
  uid: string;
  email?: string;
  /** OpenID Connect Core §5.1: whether the account proved `email` is its own. */
  email_verified?: boolean;
  given_name?: string;
  /** How and when the session signed in (RFC 8176, OIDC Core §2). */
  amr?: string[];
  auth_time?: number;
  /** The browser session's id as the store keys it (its SHA-256, never the cookie): the security page marks "this browser" by it. */
  sid?: string;
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
      return keys.signJwt({ ...Object.fromEntries(present), sub: claims.sub, aud: audience }, ttlSeconds, IDENTITY_TOKEN_TYPE);
    },
    jwks: () => keys.jwks() as ReturnType<IdentityTokenSigner['jwks']>,
  };
}
