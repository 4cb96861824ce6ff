import { tokenSignupBody } from '../../lib/accounts/schemas';
import { signUp } from '../../lib/composition/sign-up';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';

/** POST /api/public/signup {"username","password","email"?} → 201 with the user's public fields; an address gets a verification link. */
export const handler = jsonRoute(tokenSignupBody, async (event) => json(201, await signUp(event.body.username, event.body.password, clientOf(event), event.body.email)));
