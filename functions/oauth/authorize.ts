import { sessionIdFrom } from '../../lib/browser-sessions/cookie';
import { authorize } from '../../lib/composition/authorization';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { CARRIED_PARAMS, type AuthorizationParams, type AuthorizeOutcome } from '../../lib/flows/authorization';
import { originOf } from '../../lib/oauth-clients/client';
import { htmlResponse, PAGE_HEADERS } from '../../lib/pages/html';
import { consentPage, continuePage, oauthErrorPage } from '../../lib/pages/oauth-pages';
import { invalidRequest } from '../../lib/platform/errors';
import { readBody, route, type Event, type Response } from '../../lib/platform/http';
import { requireSameOrigin } from '../../lib/platform/origin';

/** The request's parameters; one given twice is refused (RFC 6749 §3.1), as an error page (nothing is known good yet). */
function paramsOf(values: Record<string, unknown>, repeated: boolean): AuthorizationParams | undefined {
  if (repeated) return undefined;
  const params: AuthorizationParams = {};
  for (const name of CARRIED_PARAMS) if (typeof values[name] === 'string') params[name] = values[name] as string;
  return params;
}

/**
 * The form-action the consent page needs: its form posts here, and the
 * answer redirects to the client, which CSP's form-action governs too
 * (browsers check it on the form's redirects).
 */
function formAction(redirectUri: string | undefined): string {
  const origin = redirectUri && originOf(redirectUri);
  const scheme = redirectUri && !origin && /^[a-z][a-z0-9+.-]*:/.exec(redirectUri)?.[0];
  return ["'self'", origin || scheme].filter(Boolean).join(' ');
}

function respond(outcome: AuthorizeOutcome): Response {
  switch (outcome.kind) {
    case 'error-page':
      return htmlResponse(400, oauthErrorPage(outcome.message));
    case 'signin':
      return { statusCode: 302, headers: { Location: `/signin?next=${encodeURIComponent(outcome.next)}`, 'Cache-Control': 'no-store' }, body: '' };
    case 'redirect':
      if (outcome.viaSignIn) return htmlResponse(200, continuePage(outcome.location), { 'Referrer-Policy': 'no-referrer' });
      return { statusCode: 302, headers: { Location: outcome.location, 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' }, body: '' };
    case 'consent': {
      const fields = Object.fromEntries(Object.entries(outcome.params).filter(([, value]) => value !== undefined)) as Record<string, string>;
      const csp = PAGE_HEADERS['Content-Security-Policy'].replace("form-action 'self'", `form-action ${formAction(outcome.params.redirect_uri)}`);
      return htmlResponse(200, consentPage({ clientName: outcome.client.name, scopes: outcome.scopes, fields }), { 'Content-Security-Policy': csp });
    }
  }
}

const sessionOf = (event: Event) => browserSessions.resume(sessionIdFrom(event.headers.cookie, browserConfig.cookieSecure));

/**
 * GET /oauth2/authorize (RFC 6749 §4.1.1, OIDC Core §3.1.2): a code for the
 * client at its registered redirect URI, after sign-in on /signin and, for a
 * third-party client, consent. POST: the consent page's answer, a same-origin
 * form (CSRF, as every page's form), its parameters checked again in full.
 */
export const handler = route(async (event) => {
  if (event.httpMethod === 'POST') {
    requireSameOrigin(event, browserConfig.allowedOrigins);
    const body = readBody(event, { forms: true });
    const decision = body.decision === 'allow' || body.decision === 'deny' ? body.decision : undefined;
    if (!decision) throw invalidRequest('decision must be allow or deny');
    const params = paramsOf(body, false)!;
    return respond(await authorize(params, await sessionOf(event), decision));
  }
  const multi = event.multiValueQueryStringParameters ?? {};
  const repeated = Object.values(multi).some((values) => (values?.length ?? 0) > 1);
  const params = paramsOf(event.queryStringParameters ?? {}, repeated);
  if (!params) return htmlResponse(400, oauthErrorPage('The request repeats a parameter.'));
  return respond(await authorize(params, await sessionOf(event)));
});
