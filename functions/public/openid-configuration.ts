import { GRANT_TYPES } from '../../lib/flows/oauth-token';
import { config } from '../../lib/platform/config';
import { json, route } from '../../lib/platform/http';

/**
 * GET /.well-known/openid-configuration (RFC 8414, OpenID Connect Discovery
 * 1.0): every endpoint and value listed works as listed, for a client that
 * follows this document alone (docs/openid-provider.md). Access tokens (RFC
 * 9068) carry this `issuer` as `iss`. Introspection is not listed: its route
 * authenticates resource services by Kong key-auth (`apikey`), no RFC 7662
 * client authentication a generic client would use (docs/introspection.md).
 */
export const handler = route(async () => {
  const base = config.issuerUrl;
  return json(
    200,
    {
      issuer: base,
      jwks_uri: `${base}/.well-known/jwks.json`,
      token_endpoint: `${base}/oauth2/token`,
      // RFC 7009: refresh tokens, by whoever holds them (the client's authentication is not needed to revoke).
      revocation_endpoint: `${base}/api/public/revoke`,
      revocation_endpoint_auth_methods_supported: ['none'],
      response_types_supported: ['code'],
      grant_types_supported: GRANT_TYPES.filter((grant) => grant !== 'authorization_code'),
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      token_signing_alg_values_supported: [config.accessTokenAlgorithm],
    },
    { 'Cache-Control': `public, max-age=${config.jwksCacheSeconds}` },
  );
});
