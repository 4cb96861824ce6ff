import { refresh } from '../../lib/flows/refresh';
import { json, jsonRoute } from '../../lib/platform/http';
import { refreshBody } from '../../lib/sessions/schemas';

/** POST /api/public/refresh {"refresh_token"} → 200 with rotated tokens. */
export const handler = jsonRoute(refreshBody, async ({ body }) => json(200, await refresh(body.refresh_token)));
