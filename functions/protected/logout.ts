import { authenticateCaller } from '../../lib/composition/caller';
import { json, route } from '../../lib/platform/http';
import { tokenSessions } from '../../lib/composition/token-sessions';

/** POST /api/jwt/logout: ends the caller's session (its refresh tokens and this access token). */
export const handler = route(async (event) => {
  const { claims } = await authenticateCaller(event);
  await tokenSessions.end(claims);
  return json(200, { message: 'Signed out' });
});
