import { browserConfig, type BrowserSession } from '../browser-sessions';
import { identityTokens } from '../identity-tokens';

/**
 * What the gateway hands to the service behind it for a live session: the
 * identity headers and a short-lived identity token that says the same,
 * signed for that service alone. X-First-Name is percent-encoded UTF-8
 * (names are in any script; header values are bytes).
 */
export async function identityOf(session: BrowserSession) {
  const token = await identityTokens().sign(
    { sub: session.username, uid: session.accountId, email: session.email, given_name: session.firstName },
    browserConfig.identityAudience,
    browserConfig.identityTtlSeconds,
  );
  const headers: Record<string, string> = { 'X-User': session.username, Authorization: `Bearer ${token}` };
  if (session.email) headers['X-Email'] = session.email;
  if (session.firstName) headers['X-First-Name'] = encodeURIComponent(session.firstName);
  return { headers, token, expiresIn: browserConfig.identityTtlSeconds };
}
