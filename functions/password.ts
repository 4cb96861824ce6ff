import { changeUserPassword } from '../lib/accounts';
import { authenticateRequest } from '../lib/auth';
import { json, jsonRoute } from '../lib/http';
import { passwordChangeBody } from '../lib/schemas';
import { startSession } from '../lib/sessions';

/** POST /api/jwt/password {"current_password","new_password"}: ends every other session; answers fresh tokens. */
export const handler = jsonRoute(passwordChangeBody, async (event) => {
  const { user } = await authenticateRequest(event);
  const updated = await changeUserPassword(user, event.body.current_password, event.body.new_password);
  return json(200, await startSession(updated));
});
