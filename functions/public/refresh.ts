import { refresh } from '../../lib/composition/refresh';
import { json, oauthRoute } from '../../lib/platform/http';
import { refreshBody, refreshTokenOf } from '../../lib/token-sessions/schemas';

/** POST /api/public/refresh, JSON `{"refresh_token"}` or an OAuth form (`grant_type=refresh_token`) → 200 with rotated tokens. */
export const handler = oauthRoute(refreshBody, async ({ body }) => json(200, await refresh(refreshTokenOf(body))));
