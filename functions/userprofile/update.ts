import { json, jsonRoute } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';
import { identityVerifier, profileConfig, profiles } from '../../lib/composition/profiles';
import { fieldsOf } from '../../lib/profiles';
import { profileBody } from '../../lib/profiles/schemas';

/** PUT /api/userprofile {"display_name","bio","location","website"} (behind forward-auth) → 200; replaces the editable fields. */
export const handler = jsonRoute(profileBody, async (event) => {
  // The identity came from a cookie: a change must come from our own pages.
  requireSameOrigin(event, profileConfig.allowedOrigins);
  const identity = await identityVerifier.identify(event);
  return json(200, await profiles.update(identity, fieldsOf(event.body)));
});
