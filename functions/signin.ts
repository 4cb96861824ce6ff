import { authenticate, ensureKongIdentity } from '../lib/accounts';
import { json, jsonRoute } from '../lib/http';
import { signinBody } from '../lib/schemas';
import { startSession } from '../lib/sessions';

/** POST /api/public/signin {"username","password"} → 200 with access and refresh tokens. */
export const handler = jsonRoute(signinBody, async ({ body }) => {
  const user = await ensureKongIdentity(await authenticate(body.username, body.password));
  return json(200, await startSession(user));
});
