import { introspect } from '../../lib/composition/introspection';
import { AppError } from '../../lib/platform/errors';
import { formRoute, json } from '../../lib/platform/http';
import { introspectionBody } from '../../lib/token-sessions/schemas';

/**
 * POST /api/introspect (RFC 7662), form-encoded `token` (and an optional
 * `token_type_hint`, not needed: the two kinds of token look different) →
 * 200 `{"active": ...}`. Callers are resource services, Kong consumers
 * authenticated by Kong's key-auth plugin (RFC 7662 §2.1), which sets
 * X-Consumer-ID; a request without it did not come through that route.
 */
export const handler = formRoute(introspectionBody, async (event) => {
  if (!event.headers['x-consumer-id']) throw new AppError('invalid_client');
  return json(200, await introspect(event.body.token));
});
