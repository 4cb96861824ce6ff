import { signinBody } from '../../lib/accounts/schemas';
import { signIn } from '../../lib/flows/signin';
import { json, jsonRoute } from '../../lib/platform/http';

/** POST /api/public/signin {"username","password"} → 200 with access and refresh tokens. */
export const handler = jsonRoute(signinBody, async ({ body }) => json(200, await signIn(body.username, body.password)));
