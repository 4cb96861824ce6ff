import { description } from '../../lib/api-description';
import { config } from '../../lib/platform/config';
import { json, route } from '../../lib/platform/http';

/** GET /api/public/openapi.json → the OpenAPI 3.1 description; public and cacheable like the JWKS. */
export const handler = route(async () => json(200, description(), { 'Cache-Control': `public, max-age=${config.jwksCacheSeconds}` }));
