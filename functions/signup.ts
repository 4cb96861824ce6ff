import { signUp, publicUser } from '../lib/accounts';
import { json, jsonRoute } from '../lib/http';
import { credentialsBody } from '../lib/schemas';

/** POST /api/public/signup {"username","password"} → 201 with the user's public fields. */
export const handler = jsonRoute(credentialsBody, async ({ body }) => {
  const user = await signUp(body.username, body.password);
  return json(201, publicUser(user));
});
