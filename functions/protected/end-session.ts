import { authenticateCaller } from '../../lib/composition/caller';
import { json, route } from '../../lib/platform/http';
import { tokenSessions } from '../../lib/composition/token-sessions';
import { sessionNotFound } from '../../lib/token-sessions';

/**
 * The id in the path. Kong routes the prefix /api/jwt/sessions/ here and
 * hands over the whole path (its aws-lambda plugin fills no pathParameters
 * for prefix routes), so it is read from the path, and only a UUID is one.
 */
const SESSION_PATH = /^\/api\/jwt\/sessions\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/;

/** DELETE /api/jwt/sessions/{id}: ends one of the caller's own sessions; any other id is 404. */
export const handler = route(async (event) => {
  const { account } = await authenticateCaller(event);
  const id = SESSION_PATH.exec(event.path ?? '')?.[1];
  if (!id) throw sessionNotFound();
  await tokenSessions.endOwn({ accountId: account.id, username: account.username }, id);
  return json(200, { message: 'Session ended' });
});
