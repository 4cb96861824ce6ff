import { authenticateCaller } from '../../lib/flows/caller';
import { json, route } from '../../lib/platform/http';
import { sessions } from '../../lib/token-sessions';

/** GET /api/jwt/sessions → 200 with the caller's live sessions, newest first; `current` marks the asking one. */
export const handler = route(async (event) => {
  const { account, claims } = await authenticateCaller(event);
  return json(200, await sessions.list({ accountId: account.id, username: account.username, sessionId: claims.sid }));
});
