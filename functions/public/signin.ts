import { signinBody } from '../../lib/accounts/schemas';
import { signIn } from '../../lib/composition/sign-in';
import { clientOf, json, jsonRoute } from '../../lib/platform/http';

/** POST /api/public/signin {"username","password","device_token"?} → 200 with access and refresh tokens, and a device token for the next sign-in. */
export const handler = jsonRoute(signinBody, async (event) =>
  json(200, await signIn(event.body.username, event.body.password, clientOf(event), event.body.device_token)),
);
