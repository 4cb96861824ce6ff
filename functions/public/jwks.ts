import { signingKeys } from '../../lib/composition/keys';
import { config } from '../../lib/platform/config';
import { json, route } from '../../lib/platform/http';

/**
 * GET /.well-known/jwks.json → every public key a valid token can carry
 * (RFC 7517). Cacheable for JWKS_CACHE_SECONDS, the lead a new key is
 * published with before it signs (lib/keys/rotation.ts).
 */
export const handler = route(async () =>
  json(200, await signingKeys.jwks(), { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': `public, max-age=${config.jwksCacheSeconds}` }),
);
