/**
 * Design 003's sequence with the gateway's forward-auth cache on: logout, then
 * the very next GET /api/userprofile is "please sign in", although the cache
 * would otherwise keep the session's answer for CACHE_TTL_SECONDS. The same
 * for sign-out everywhere and a password change. A made-up session cookie
 * never reaches the identity provider. A stack of its own: the suite's stack
 * runs forward-auth without a cache (TEST_SESSION_CACHE_TTL_SECONDS), which
 * would hide what is tested here.
 */
import type { Stack } from '../../scripts/stack';
import { browserSessions, sessionSet } from '../support/browser-sessions';
import { PASSWORD } from '../support/clients';
import { client } from '../support/flow';
import { startWatchedStack, type WatchedStack } from '../support/identity-asks';

/** Long enough that without the revocation every check below would still be answered from the cache. */
const CACHE_TTL_SECONDS = 60;
const LOGIN_HINT = { code: 'login_required', message: 'Please sign in', login_url: '/signin' };

let watched: WatchedStack;
let stack: Stack;
let web: ReturnType<typeof browserSessions>;
let tokens: ReturnType<typeof client>;
let origin: Record<string, string>;

beforeAll(async () => {
  watched = await startWatchedStack({ sessionCacheTtlSeconds: CACHE_TTL_SECONDS });
  stack = watched.stack;
  web = browserSessions(stack.urls.proxy);
  tokens = client(stack.urls.proxy);
  origin = { Origin: stack.urls.proxy, 'Sec-Fetch-Site': 'same-origin' };
}, 120_000);
afterAll(() => watched?.stop());

/** How many times forward-auth asked the identity provider while `block` ran. */
const asked = async (block: () => Promise<unknown>): Promise<number> => (await watched.asked(block)).asked;

/** A signed-in browser whose profile answer is now in the gateway's cache. */
async function cached(prefix: string): Promise<{ username: string; session: string }> {
  const signedIn = await web.signedIn(prefix);
  expect((await web.profile(signedIn.session)).status).toBe(404); // no profile yet: the session is valid
  expect(await asked(async () => expect((await web.profile(signedIn.session)).status).toBe(404))).toBe(0);
  return signedIn;
}

describe(`forward-auth's cache (cache_ttl ${CACHE_TTL_SECONDS} s) forgets a session the moment it ends through the gateway`, () => {
  it('logout: the very next profile request is refused; another user is still served from the cache', async () => {
    const { session } = await cached('fa-out');
    const other = await cached('fa-other');
    const logout = await web.logout(session, origin);
    expect(logout).toMatchObject({ status: 200, body: { message: 'Signed out' } });
    expect(await web.profile(session)).toMatchObject({ status: 401, body: LOGIN_HINT });
    expect(logout.headers.get('x-forward-auth-revoke')).toBeNull();
    expect(await asked(async () => expect((await web.profile(other.session)).status).toBe(404))).toBe(0);
  });

  it('logout-all (token flow): every browser session of the user, at once', async () => {
    const { username, session } = await cached('fa-all');
    const second = sessionSet(await web.login(username))!;
    expect((await web.profile(second)).status).toBe(404);
    const signedIn = await tokens.signin(username);
    const answer = await tokens.logoutAll(signedIn.body.access_token);
    expect(answer.status).toBe(200);
    for (const ended of [session, second]) expect(await web.profile(ended)).toMatchObject({ status: 401, body: LOGIN_HINT });
    expect(answer.headers.get('x-forward-auth-revoke')).toBeNull();
  });

  it('a password change: every browser session of the user, at once', async () => {
    const { username, session } = await cached('fa-pw');
    const signedIn = await tokens.signin(username);
    const answer = await tokens.changePassword(signedIn.body.access_token, PASSWORD, 'a brand new password');
    expect(answer.status).toBe(200);
    expect(await web.profile(session)).toMatchObject({ status: 401, body: LOGIN_HINT });
    expect(answer.headers.get('x-forward-auth-revoke')).toBeNull();
  });
});

describe('a made-up session cookie', () => {
  it('is refused without asking the identity provider, as no cookie is', async () => {
    const { username } = await web.signedIn('fa-junk');
    const madeUp = [`${username}.short`, `${username}.${'A'.repeat(43)}!`, 'x'.repeat(200), `${username}.${'A'.repeat(43)}; JSESSIONID=${username}.${'B'.repeat(43)}`];
    const count = await asked(async () => {
      for (const session of madeUp) expect(await web.profile(session)).toMatchObject({ status: 401, body: LOGIN_HINT });
    });
    expect(count).toBe(0);
    // A well-formed one is asked about (and refused by the identity provider).
    expect(await asked(async () => expect((await web.profile(`${username}.${'A'.repeat(43)}`)).status).toBe(401))).toBe(1);
  });
});
