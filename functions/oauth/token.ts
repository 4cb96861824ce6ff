import type { Context } from 'aws-lambda';
import { oauthClients } from '../../lib/composition/oauth-clients';
import { oauthToken } from '../../lib/composition/oauth-token';
import type { TokenRequest } from '../../lib/flows/oauth-token';
import { clientCredentials, oauthError } from '../../lib/oauth-clients/http-authentication';
import { AppError, DependencyError } from '../../lib/platform/errors';
import { clientOf, header, json, readForm, route, type Event, type Response } from '../../lib/platform/http';

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
