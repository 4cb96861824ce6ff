// The identity tokens the identity provider hands the gateway (browser
// sessions, design 003): signed by the service's own keys, as access tokens
// are (lib/keys), so that one JWKS (/.well-known/jwks.json) verifies both.
import { signingKeys } from '../keys';
import type { IdentityTokenSigner } from './signer';

export * from './signer';

export const identityTokens = (): IdentityTokenSigner => ({
  sign: (claims, audience, ttlSeconds) => signingKeys.signJwt({ ...claims, aud: audience }, ttlSeconds),
  jwks: () => signingKeys.jwks() as ReturnType<IdentityTokenSigner['jwks']>,
});
