import { compactVerify, createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { clearedCookie, revokedSession, sessionIdFrom } from '../../lib/browser-sessions';
import { browserConfig, browserSessions } from '../../lib/composition/browser-sessions';
import { signingKeys } from '../../lib/composition/keys';
import { oauthClients } from '../../lib/composition/oauth-clients';
import { htmlResponse } from '../../lib/pages/html';
import { oauthErrorPage, signedOutPage } from '../../lib/pages/oauth-pages';
import { config } from '../../lib/platform/config';
import { route } from '../../lib/platform/http';

/**
 * The ID token hint's claims, if it is an ID token of ours: signed with a
 * published key, `typ` JWT, our issuer. Its expiry does not matter (OIDC
 * RP-Initiated Logout §2: a hint may be presented long after sign-in).
 */
async function hintClaims(hint: string | undefined) {
  if (!hint || hint.length > 4096) return undefined;
  try {
    if (decodeProtectedHeader(hint).typ !== 'JWT') return undefined;
    await compactVerify(hint, createLocalJWKSet((await signingKeys.jwks()) as JSONWebKeySet));
    const claims = decodeJwt(hint);
    return claims.iss === config.issuerUrl && typeof claims.aud === 'string' && typeof claims.sub === 'string' ? { aud: claims.aud, sub: claims.sub } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * GET /oauth2/logout (OpenID Connect RP-Initiated Logout 1.0): with an
 * `id_token_hint` of ours, ends the browser session, if it is the hint's
 * user's, and returns to `post_logout_redirect_uri` only if the hint's client
 * registered it, exactly (with `state`); else a signed-out page. Without a
 * valid hint nothing is ended: a link on any site could otherwise sign users
 * out (logout CSRF).
 */
export const handler = route(async (event) => {
  const query = event.queryStringParameters ?? {};
  const claims = await hintClaims(query.id_token_hint);
  if (!claims) return htmlResponse(400, oauthErrorPage('This sign-out request is not from an application signed in here.'));
  const client = await oauthClients.get(claims.aud);
  if (!client || (query.client_id !== undefined && query.client_id !== client.id)) {
    return htmlResponse(400, oauthErrorPage('This sign-out request is not from an application signed in here.'));
  }
  const target = query.post_logout_redirect_uri;
  if (target !== undefined && !client.postLogoutRedirectUris.includes(target)) {
    return htmlResponse(400, oauthErrorPage('The address this application asked to return to is not one it registered.'));
  }
  const id = sessionIdFrom(event.headers.cookie, browserConfig.cookieSecure);
  const session = await browserSessions.resume(id);
  const ended = session !== undefined && session.username === claims.sub;
  if (ended) await browserSessions.end(id);
  const headers: Record<string, string> = ended ? { 'Set-Cookie': clearedCookie(browserConfig.cookieSecure), ...revokedSession(id) } : {};
  if (target === undefined) return htmlResponse(200, signedOutPage(), headers);
  const url = new URL(target);
  if (query.state !== undefined) url.searchParams.set('state', query.state);
  return { statusCode: 302, headers: { Location: url.toString(), 'Cache-Control': 'no-store', ...headers }, body: '' };
});
