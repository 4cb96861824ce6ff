import { operatorOf } from '../../lib/admin/operator';
import { clientAdmin } from '../../lib/composition/client-admin';
import { registrationBody } from '../../lib/oauth-clients/schemas';
import { json, readBody, route, validate } from '../../lib/platform/http';

/**
 * GET /api/admin/clients: every OAuth client (never a secret or its hash).
 * POST /api/admin/clients: registers one, as `npm run clients -- create`
 * does; the answer holds a confidential client's secret, this once.
 */
export const handler = route(async (event) => {
  const operator = operatorOf(event);
  if (event.httpMethod === 'POST') {
    const body = validate(registrationBody, readBody(event));
    const created = await clientAdmin.create(operator, {
      name: body.name,
      redirectUris: body.redirect_uris,
      postLogoutRedirectUris: body.post_logout_redirect_uris ?? [],
      firstParty: body.first_party ?? false,
      public: body.public ?? false,
    });
    return json(201, created);
  }
  return json(200, { clients: await clientAdmin.list(operator) });
});
