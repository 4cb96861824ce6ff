import { signupBody } from '../../lib/accounts/schemas';
import { signUp } from '../../lib/composition/sign-up';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';

/** POST /api/public/signup {"username","password"} → 201 with the user's public fields. */
export const handler = jsonRoute(signupBody, async (event) => json(201, await signUp(event.body.username, event.body.password, clientOf(event))));
