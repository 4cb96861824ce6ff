// The identity tokens the identity provider hands the gateway (browser
// sessions, design 003): signed by the service's own keys, as access tokens
// are (lib/keys), so that one JWKS (/.well-known/jwks.json) verifies both.
// The service's signer is built in lib/composition/browser-identity.ts.
export * from './identity-tokens';
