import { json, jsonRoute } from '../lib/http';
import { refreshBody } from '../lib/schemas';
import { refreshSession } from '../lib/sessions';

/** POST /api/public/refresh {"refresh_token"} → 200 with rotated tokens. */
export const handler = jsonRoute(refreshBody, async ({ body }) => json(200, await refreshSession(body.refresh_token)));
