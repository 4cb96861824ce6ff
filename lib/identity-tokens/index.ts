// The identity tokens the identity provider hands the gateway (browser
// sessions, design 003): signed by the service's own keys, as access tokens
// are (lib/keys), so that one JWKS (/.well-known/jwks.json) verifies both.
import { signingKeys } from '../keys';
import { identityTokenSigner, type IdentityTokenSigner } from './identity-tokens';

export * from './identity-tokens';

export const identityTokens = (): IdentityTokenSigner => identityTokenSigner(signingKeys);
