import { AppError } from '../platform/errors';
import { header, json, type Event, type Response } from '../platform/http';
import { invalidClient, type ClientCredentials } from './registry';

/**
 * The client's credentials (RFC 6749 §2.3.1): HTTP Basic with the
 * form-urlencoded id and secret (client_secret_basic), or `client_id` and
 * `client_secret` in the body (client_secret_post), or `client_id` alone (a
 * public client, `none`). More than one method is refused (§2.3). Shared by
 * every endpoint a client authenticates at (token, introspection), so that
 * they accept and refuse exactly the same requests.
 */
export function clientCredentials(event: Event, form: Record<string, string>): ClientCredentials {
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
export function oauthError(error: AppError): Response {
  const code = error.code === 'invalid_credentials' ? 'invalid_grant' : error.code;
  const status = error.status >= 429 ? error.status : code === 'invalid_client' ? 401 : 400;
  return json(status, { error: code, error_description: error.message, code, message: error.message }, { Pragma: 'no-cache', ...(error.headers ?? {}) });
}
