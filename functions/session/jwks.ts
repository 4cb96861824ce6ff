import { identityTokens } from '../../lib/identity-tokens';
import { json, route } from '../../lib/platform/http';

const signer = identityTokens();

/** GET /.well-known/jwks.json → the public keys identity tokens are verified with (RFC 7517). */
export const handler = route(async () => {
  const answer = json(200, await signer.jwks());
  // Public, and asked for by every service that verifies: a few minutes of caching is the point.
  return { ...answer, headers: { ...answer.headers, 'Cache-Control': 'public, max-age=300' } };
});
