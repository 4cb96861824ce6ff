import { htmlResponse } from '../../lib/pages/html';
import { profilePage } from '../../lib/pages/profile-page';
import { route } from '../../lib/platform/http';
import { identityVerifier, profiles } from '../../lib/composition/profiles';

/** GET /profile (behind forward-auth, which sends browsers without a session to /signin): the profile page. */
export const handler = route(async (event) => {
  const identity = await identityVerifier.identify(event);
  const profile = await profiles.find(identity);
  return htmlResponse(
    200,
    profilePage({
      username: identity.username,
      email: identity.email,
      first_name: identity.firstName,
      profile: profile && { display_name: profile.displayName, bio: profile.bio, location: profile.location, website: profile.website },
    }),
  );
});
