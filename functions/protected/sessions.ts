import { authenticateCaller } from '../../lib/composition/caller';
import { json, route } from '../../lib/platform/http';
import { tokenSessions } from '../../lib/composition/token-sessions';

/** GET /api/jwt/sessions → 200 with the caller's live sessions, newest first; `current` marks the asking one. */
export const handler = route(async (event) => {
  const { account, claims } = await authenticateCaller(event);
  return json(200, await tokenSessions.list({ accountId: account.id, username: account.username, sessionId: claims.sid }));
});
