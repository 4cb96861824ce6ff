import * as v from 'valibot';
import { introspect } from '../../lib/composition/introspection';
import { oauthClients } from '../../lib/composition/oauth-clients';
import { clientCredentials, oauthError } from '../../lib/oauth-clients/http-authentication';
import { invalidClient } from '../../lib/oauth-clients/registry';
import { AppError, DependencyError } from '../../lib/platform/errors';
import { json, readForm, route } from '../../lib/platform/http';
import { introspectionBody } from '../../lib/token-sessions/schemas';

/**
 * POST /oauth2/introspect (RFC 7662), the discovery document's
 * `introspection_endpoint`: form-encoded `token` (and an optional
 * `token_type_hint`) → 200 `{"active": ...}`, the very answer of
 * /api/introspect (lib/flows/introspection.ts). The caller authenticates as
 * a registered confidential client exactly as at the token endpoint
 * (client_secret_basic or client_secret_post, RFC 7662 §2.1); a public
 * client holds no secret that could prove it is the protected resource it
 * claims to be, so it is refused like a wrong secret (RFC 6749 §5.2
 * invalid_client, 401). The client is authenticated before the token is
 * looked at, so that an unauthenticated caller learns nothing of it.
 */
export const handler = route(async (event) => {
  try {
    let form: Record<string, string>;
    try {
      form = readForm(event);
    } catch (error) {
      throw error instanceof AppError ? error : new AppError('invalid_request');
    }
    const credentials = clientCredentials(event, form);
    const client = await oauthClients.authenticate(credentials);
    if (client.public) throw invalidClient();
    const body = v.safeParse(introspectionBody, form);
    if (!body.success) throw new AppError('invalid_request', 'token is required (at most 2048 characters)');
    return json(200, await introspect(body.output.token), { Pragma: 'no-cache' });
  } catch (error) {
    if (error instanceof AppError && !(error instanceof DependencyError)) return oauthError(error);
    throw error;
  }
});
