import { json, route } from '../../lib/platform/http';
import { identityVerifier, profiles } from '../../lib/composition/profiles';

/** GET /api/userprofile (behind forward-auth) → 200 with the caller's whole profile; 404 before one is made. */
export const handler = route(async (event) => {
  const identity = await identityVerifier.identify(event);
  return json(200, await profiles.get(identity));
});
