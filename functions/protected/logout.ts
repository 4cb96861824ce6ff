import { authenticateCaller } from '../../lib/flows/caller';
import { json, route } from '../../lib/platform/http';
import { sessions } from '../../lib/token-sessions';

/** POST /api/jwt/logout: ends the caller's session (its refresh tokens and this access token). */
export const handler = route(async (event) => {
  const { claims } = await authenticateCaller(event);
  await sessions.end(claims);
  return json(200, { message: 'Signed out' });
});
