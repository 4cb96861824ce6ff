import type { Context } from 'aws-lambda';
import { oauthClients } from '../../lib/composition/oauth-clients';
import { oauthToken } from '../../lib/composition/oauth-token';
import type { TokenRequest } from '../../lib/flows/oauth-token';
import type { ClientCredentials } from '../../lib/oauth-clients/registry';
import { invalidClient } from '../../lib/oauth-clients/registry';
import { AppError, DependencyError } from '../../lib/platform/errors';
import { clientOf, header, json, readForm, route, type Event, type Response } from '../../lib/platform/http';

/**
 * The client's credentials (RFC 6749 §2.3.1): HTTP Basic with the
 * form-urlencoded id and secret (client_secret_basic), or `client_id` and
 * `client_secret` in the body (client_secret_post), or `client_id` alone (a
 * public client, `none`). More than one method is refused (§2.3).
 */
function clientCredentials(event: Event, form: Record<string, string>): ClientCredentials {
  const authorization = header(event, 'authorization');
  if (authorization !== undefined) {
    const basic = /^basic[ \t]+([A-Za-z0-9+/]+=*)[ \t]*$/i.exec(authorization);
    if (!basic || form.client_secret !== undefined) throw invalidClient({ 'WWW-Authenticate': 'Basic realm="token"' });
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    let clientId: string, clientSecret: string;
    try {
      clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
    } catch {
      throw invalidClient({ 'WWW-Authenticate': 'Basic realm="token"' });
    }
    if (colon < 0 || (form.client_id !== undefined && form.client_id !== clientId)) throw invalidClient({ 'WWW-Authenticate': 'Basic realm="token"' });
    return { clientId, clientSecret, method: 'client_secret_basic' };
  }
  if (form.client_secret !== undefined) return { clientId: form.client_id, clientSecret: form.client_secret, method: 'client_secret_post' };
  return { clientId: form.client_id, method: 'none' };
}

/**
 * RFC 6749 §5.2: errors are 400, but invalid_client, 401; the catalogue's
 * own statuses (invalid_grant is 401 on the seeds' refresh route) give way
 * here. Throttling (429) and failing dependencies (503) keep theirs.
 */
function oauthError(error: AppError): Response {
  const code = error.code === 'invalid_credentials' ? 'invalid_grant' : error.code;
  const status = error.status >= 429 ? error.status : code === 'invalid_client' ? 401 : 400;
  return json(status, { error: code, error_description: error.message, code, message: error.message }, { Pragma: 'no-cache', ...(error.headers ?? {}) });
}

/** CORS for the origins of registered public clients (single-page apps); no credentials, no cookies. */
async function corsHeaders(event: Event): Promise<Record<string, string>> {
  const origin = header(event, 'origin');
  if (!origin || !(await oauthClients.isPublicOrigin(origin))) return {};
  return { 'Access-Control-Allow-Origin': origin, Vary: 'Origin', 'Access-Control-Expose-Headers': 'Retry-After, WWW-Authenticate' };
}

const post = route(async (event) => {
  const cors = await corsHeaders(event);
  try {
    let form: Record<string, string>;
    try {
      form = readForm(event);
    } catch (error) {
      throw error instanceof AppError ? error : new AppError('invalid_request');
    }
    const request: TokenRequest = form;
    const answer = await oauthToken(clientCredentials(event, form), request, clientOf(event));
    return json(200, answer, { Pragma: 'no-cache', ...cors });
  } catch (error) {
    if (error instanceof AppError && !(error instanceof DependencyError)) {
      const response = oauthError(error);
      return { ...response, headers: { ...response.headers, ...cors } };
    }
    throw error;
  }
});

/**
 * A CORS preflight, answered here rather than by Kong's cors plugin: which
 * origins may call is the registry's (public clients' redirect URIs), which
 * changes as the operator registers clients, and no decK list could follow.
 */
async function preflight(event: Event): Promise<Response> {
  const cors = await corsHeaders(event).catch(() => ({}));
  const allowed = Object.keys(cors).length > 0 && header(event, 'access-control-request-method') === 'POST';
  return {
    statusCode: 204,
    headers: allowed
      ? { ...cors, 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type, Authorization, DPoP', 'Access-Control-Max-Age': '600', 'Cache-Control': 'no-store' }
      : { Vary: 'Origin', 'Cache-Control': 'no-store' },
    body: '',
  };
}

/** POST /oauth2/token (RFC 6749 §3.2): form-encoded; grants authorization_code (PKCE), refresh_token, password, client_credentials. */
export const handler = (event: Event, context: Context): Promise<Response> =>
  event.httpMethod === 'OPTIONS' ? preflight({ ...event, headers: event.headers ?? {} }) : post(event, context);
