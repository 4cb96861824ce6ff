import { config } from '../../lib/platform/config';
import { json, route } from '../../lib/platform/http';

/**
 * GET /.well-known/openid-configuration → where the service's keys and
 * endpoints are (the RFC 8414 metadata fields that apply; it issues no ID
 * tokens). Access tokens (RFC 9068) carry this `issuer` as `iss`, and the
 * user's Kong credential in a claim of their own (`ckey`, lib/tokens).
 */
export const handler = route(async () => {
  const base = config.issuerUrl;
  return json(
    200,
    {
      issuer: base,
      jwks_uri: `${base}/.well-known/jwks.json`,
      token_endpoint: `${base}/api/public/signin`,
      revocation_endpoint: `${base}/api/public/revoke`,
      introspection_endpoint: `${base}/api/introspect`,
      introspection_endpoint_auth_methods_supported: ['apikey'],
      token_endpoint_auth_methods_supported: ['none'],
      grant_types_supported: ['password', 'refresh_token'],
      token_signing_alg_values_supported: [config.accessTokenAlgorithm],
    },
    { 'Cache-Control': `public, max-age=${config.jwksCacheSeconds}` },
  );
});
