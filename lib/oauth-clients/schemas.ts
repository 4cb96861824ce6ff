import * as v from 'valibot';

const uris = v.pipe(v.array(v.pipe(v.string(), v.maxLength(2048))), v.maxLength(20));

/** The admin API's client registration (POST /api/admin/clients); the registry checks each URI (lib/oauth-clients/client.ts). */
export const registrationBody = v.strictObject({
  name: v.pipe(v.string(), v.maxLength(100)),
  redirect_uris: v.pipe(uris, v.minLength(1)),
  post_logout_redirect_uris: v.optional(uris),
  first_party: v.optional(v.boolean()),
  public: v.optional(v.boolean()),
});
