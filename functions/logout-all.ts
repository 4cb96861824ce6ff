import { endAllSessions } from '../lib/accounts';
import { authenticateRequest } from '../lib/auth';
import { json, route } from '../lib/http';

/** POST /api/jwt/logout-all: ends every session of the caller and rotates its Kong credential. */
export const handler = route(async (event) => {
  const { user } = await authenticateRequest(event);
  await endAllSessions(user);
  return json(200, { message: 'Signed out everywhere' });
});
