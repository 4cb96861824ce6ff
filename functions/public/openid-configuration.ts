import { GRANT_TYPES, SUPPORTED_SCOPES } from '../../lib/flows/oauth-token';
import { config } from '../../lib/platform/config';
import { json, route } from '../../lib/platform/http';

/**
 * GET /.well-known/openid-configuration (RFC 8414, OpenID Connect Discovery
 * 1.0): every endpoint and value listed works as listed, for a client that
 * follows this document alone (docs/openid-provider.md). Access tokens (RFC
 * 9068) carry this `issuer` as `iss`. Introspection (RFC 7662) is the one for
 * registered confidential clients, authenticated as at the token endpoint;
 * resource services behind Kong key-auth keep /api/introspect
 * (docs/introspection.md).
 */
export const handler = route(async () => {
  const base = config.issuerUrl;
  return json(
    200,
    {
      issuer: base,
      jwks_uri: `${base}/.well-known/jwks.json`,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      userinfo_endpoint: `${base}/oauth2/userinfo`,
      end_session_endpoint: `${base}/oauth2/logout`,
      // RFC 7009: refresh tokens, by whoever holds them (the client's authentication is not needed to revoke).
      revocation_endpoint: `${base}/api/public/revoke`,
      revocation_endpoint_auth_methods_supported: ['none'],
      introspection_endpoint: `${base}/oauth2/introspect`,
      introspection_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: [...GRANT_TYPES],
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      // ID tokens are signed with the service's own key in every mode (lib/flows/id-token.ts).
      id_token_signing_alg_values_supported: [config.keyAlgorithm],
      token_signing_alg_values_supported: [config.accessTokenAlgorithm],
      scopes_supported: [...SUPPORTED_SCOPES],
      claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'amr', 'azp', 'preferred_username', 'given_name', 'email', 'email_verified'],
      subject_types_supported: ['public'],
      prompt_values_supported: ['none', 'login', 'consent'],
      authorization_response_iss_parameter_supported: true,
    },
    { 'Cache-Control': `public, max-age=${config.jwksCacheSeconds}` },
  );
});
