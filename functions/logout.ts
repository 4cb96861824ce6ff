import { authenticateRequest } from '../lib/auth';
import { json, route } from '../lib/http';
import { endSession } from '../lib/sessions';

/** POST /api/jwt/logout: ends the caller's session (its refresh tokens and this access token). */
export const handler = route(async (event) => {
  const { claims } = await authenticateRequest(event);
  await endSession(claims);
  return json(200, { message: 'Signed out' });
});
