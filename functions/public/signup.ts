import { signupBody } from '../../lib/accounts/schemas';
import { signUp } from '../../lib/flows/signup';
import { json, jsonRoute } from '../../lib/platform/http';

/** POST /api/public/signup {"username","password"} → 201 with the user's public fields. */
export const handler = jsonRoute(signupBody, async ({ body }) => json(201, await signUp(body.username, body.password)));
