import { DEFAULT_AFTER_SIGNIN, deviceCookie, revokedSession, safeNext, sessionCookie, sessionIdFrom } from '../browser-sessions';
import type { BrowserSession } from '../browser-sessions/session';
import { browserConfig, browserSessions } from '../composition/browser-sessions';
import { config } from '../platform/config';
import { json, type Event, type Response } from '../platform/http';
import { seeOther } from './html';

/** Two cookies in one answer: a headers map holds one Set-Cookie, multiValueHeaders any number. */
function withCookies(response: Response, cookies: string[]): Response {
  return { ...response, multiValueHeaders: { ...response.multiValueHeaders, 'Set-Cookie': cookies } };
}

/**
 * The answer to a completed browser sign-in (password, or password and a
 * second factor): the new session's cookie and the next device token; the
 * form goes on to `next` or the profile page. Whatever session id the
 * browser held before is not the one signed in (no fixation); if it named a
 * session, that one ends, and the gateway drops its cached answer for it.
 */
export async function signedIn(
  event: Event,
  { id, session, deviceToken }: { id: string; session: BrowserSession; deviceToken: string },
  form: boolean,
  next: string | undefined,
  /** More for a script's JSON answer (the passkey sign-in's `redirect_to`). */
  extra: Record<string, unknown> = {},
): Promise<Response> {
  const secure = browserConfig.cookieSecure;
  const previous = sessionIdFrom(event.headers.cookie, secure);
  await browserSessions.end(previous);
  const cookies = [sessionCookie(id, secure), deviceCookie(deviceToken, secure, config.deviceTokenTtlSeconds)];
  const revocation = revokedSession(previous);
  if (form) return withCookies(seeOther(safeNext(next) ?? DEFAULT_AFTER_SIGNIN, revocation), cookies);
  const expiresAt = new Date(session.absoluteExpiresAt * 1000).toISOString();
  return withCookies(json(200, { username: session.username, idle_timeout_seconds: browserConfig.idleSeconds, expires_at: expiresAt, ...extra }, revocation), cookies);
}
