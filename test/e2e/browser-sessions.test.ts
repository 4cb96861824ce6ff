/**
 * Browser sessions and the user-profile service (design 003), end to end
 * through the gateway: register, sign in, the gateway's forward-auth asking
 * the identity provider on each profile request, sign out, and what an
 * attacker might try. The shared test stack runs forward-auth with no cache
 * (TEST_SESSION_CACHE_TTL_SECONDS), so an ended session is refused at once.
 */
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { handler as getProfile } from '../../functions/userprofile/get';
import { handler as updateProfile } from '../../functions/userprofile/update';
import { browserSessions, call, sessionSet } from '../support/browser-sessions';
import { PASSWORD, uniqueName } from '../support/clients';
import { apiEvent } from '../support/events';
import { client } from '../support/flow';

const PROXY = process.env.PROXY_URL!;
const web = browserSessions(PROXY);
const tokens = client(PROXY);
const LOGIN_HINT = { code: 'login_required', message: 'Please sign in', login_url: '/signin' };
const ORIGIN = { Origin: PROXY, 'Sec-Fetch-Site': 'same-origin' };
const CROSS_SITE = { Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' };
const PROFILE = { display_name: 'Ada L.', bio: 'Analyst', location: 'London', website: 'https://ada.example' };

describe('register and sign in', () => {
  it('registers with the signup rules, the email domain lower-cased, and answers no secret', async () => {
    const username = uniqueName('reg');
    const registered = await web.register(username.toUpperCase(), { email: 'Ada.Lovelace@Example.COM', first_name: 'José' });
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ username, email: 'Ada.Lovelace@example.com', first_name: 'José', created_at: expect.any(String) });
    // A retry with the same password is the same signup (idempotent, as /api/public/signup); anyone else gets 409.
    expect((await web.register(username, {}, 'another long password')).body).toMatchObject({ code: 'username_taken' });
    expect(await web.register(uniqueName('reg'), { email: 'nope' })).toMatchObject({ status: 400, body: { code: 'invalid_request', message: 'email: must be an email address' } });
    expect(await web.register(uniqueName('reg'), {}, 'short')).toMatchObject({ status: 400, body: { code: 'weak_password' } });
  });

  it('signs in with a cookie that is HttpOnly, SameSite=Lax, Path=/ (Secure is off only on this plain-http stack)', async () => {
    const { username } = await web.signedIn();
    const login = await web.login(username);
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ username, idle_timeout_seconds: 1800, expires_at: expect.any(String) });
    const [cookie] = login.headers.getSetCookie();
    expect(cookie).toMatch(new RegExp(`^JSESSIONID=${username}\\.[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax$`));
    expect(login.headers.get('cache-control')).toBe('no-store');
  });

  it('answers the same 401 for an unknown user and a wrong password', async () => {
    const { username } = await web.signedIn();
    const wrong = await web.login(username, 'not the password');
    const unknown = await web.login(uniqueName('nobody'));
    expect(wrong).toMatchObject({ status: 401, body: { code: 'invalid_credentials', message: 'Invalid username or password' } });
    expect(unknown.body).toEqual(wrong.body);
    expect(sessionSet(wrong)).toBeUndefined();
  });

  it('shares one account store with the token flow: a signup user signs in here, a registered user signs in for tokens', async () => {
    const signedUp = uniqueName('tok');
    expect((await tokens.signup(signedUp)).status).toBe(201);
    const session = sessionSet(await web.login(signedUp))!;
    const identity = await web.authenticate(session);
    expect(identity.headers.get('x-user')).toBe(signedUp);
    expect(identity.headers.get('x-email')).toBeNull();
    const created = await web.createProfile(session, { display_name: 'Tok' }, ORIGIN);
    expect(created).toMatchObject({ status: 201, body: { username: signedUp, email: null, first_name: null } });

    const { username } = await web.signedIn();
    expect((await tokens.signin(username)).status).toBe(200);
  });
});

describe('authenticate: what the gateway asks on every browser request', () => {
  it('answers identity headers and an ES256 identity token for the profile service, verifiable from the JWKS', async () => {
    const username = uniqueName('auth');
    await web.register(username, { first_name: 'José' });
    const session = sessionSet(await web.login(username))!;
    const answer = await web.authenticate(session);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-user')).toBe(username);
    expect(answer.headers.get('x-email')).toBe(`${username}@example.com`);
    expect(decodeURIComponent(answer.headers.get('x-first-name')!)).toBe('José');
    const token = /^Bearer (.+)$/.exec(answer.headers.get('authorization')!)![1];
    expect(answer.body).toMatchObject({ username, token_type: 'Bearer', access_token: token, expires_in: 60 });

    const jwks = createRemoteJWKSet(new URL(`${PROXY}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(token, jwks, { algorithms: ['ES256'], issuer: PROXY, audience: 'userprofile' });
    expect(payload).toMatchObject({ sub: username, email: `${username}@example.com`, given_name: 'José', uid: expect.any(String) });
    expect(payload.exp! - payload.iat!).toBe(60);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'ES256', kid: expect.any(String) });
  });

  it('answers 401 without a session, for junk and for a made-up id', async () => {
    for (const session of [undefined, 'junk', `alice.${'A'.repeat(43)}`]) {
      expect(await web.authenticate(session)).toMatchObject({ status: 401, body: { code: 'login_required' } });
    }
  });
});

describe('the profile service behind forward-auth', () => {
  it('creates, reads and updates the profile of whoever is signed in', async () => {
    const { username, session } = await web.signedIn('prof');
    expect(await web.profile(session)).toMatchObject({ status: 404, body: { code: 'profile_not_found' } });

    const created = await web.createProfile(session, PROFILE, ORIGIN);
    expect(created.status).toBe(201);
    expect(created.body).toEqual({
      username,
      email: `${username}@example.com`,
      first_name: 'Ada',
      ...PROFILE,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
    expect(await web.createProfile(session, PROFILE, ORIGIN)).toMatchObject({ status: 409, body: { code: 'profile_exists' } });

    const updated = await web.updateProfile(session, { display_name: 'Countess' }, ORIGIN);
    expect(updated).toMatchObject({ status: 200, body: { display_name: 'Countess', bio: '', location: '', website: '' } });
    expect(await web.profile(session)).toMatchObject({ status: 200, body: { username, display_name: 'Countess' } });
  });

  it('refuses identity fields and bad values in the body (400), and never answers 500', async () => {
    const { session } = await web.signedIn('prof');
    for (const body of [{ display_name: 'X', username: 'admin' }, { display_name: '' }, { display_name: 'X', website: 'javascript:alert(1)' }]) {
      expect(await web.createProfile(session, body, ORIGIN)).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    }
    expect((await call(PROXY, '/api/userprofile', { method: 'POST', session, headers: { ...ORIGIN, 'Content-Type': 'application/json' } })).status).toBe(400);
  });

  it('strips identity headers a client sends: the profile is always the session\'s own', async () => {
    const { username, session } = await web.signedIn('prof');
    const victim = await web.signedIn('victim');
    await web.createProfile(victim.session, PROFILE, ORIGIN);
    const answer = await web.profile(session, { 'X-User': victim.username, 'X-Email': 'victim@example.com', Authorization: 'Bearer forged' });
    expect(answer).toMatchObject({ status: 404, body: { code: 'profile_not_found' } });
    await web.createProfile(session, { display_name: 'Me' }, { ...ORIGIN, 'X-User': victim.username });
    expect((await web.profile(session)).body).toMatchObject({ username, display_name: 'Me' });
    expect((await web.profile(victim.session)).body).toMatchObject({ username: victim.username, display_name: PROFILE.display_name });
  });

  it('serves the profile page only with a session', async () => {
    const { username, session } = await web.signedIn('page');
    const page = await call(PROXY, '/profile', { session });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.text).toContain(`Signed in as <strong>${username}</strong>`);
    expect(await call(PROXY, '/profile', { headers: { Accept: 'text/html' } })).toMatchObject({ status: 302 });
  });
});

describe('sign out', () => {
  it('ends the session server-side and clears the cookie; the profile then asks API clients and browsers to sign in', async () => {
    const { session } = await web.signedIn('out');
    expect((await web.profile(session)).status).toBe(404);
    const logout = await web.logout(session, ORIGIN);
    expect(logout).toMatchObject({ status: 200, body: { message: 'Signed out' } });
    expect(logout.headers.getSetCookie()).toEqual([expect.stringMatching(/^JSESSIONID=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Lax$/)]);

    // The old cookie, replayed, is refused: the session ended at the identity provider, not only in the browser.
    expect(await web.profile(session)).toMatchObject({ status: 401, body: LOGIN_HINT });
    expect(await web.profile()).toMatchObject({ status: 401, body: LOGIN_HINT });
    const browser = await web.profile(session, { Accept: 'text/html,application/xhtml+xml' });
    expect(browser.status).toBe(302);
    expect(browser.headers.get('location')).toBe('/signin?next=%2Fapi%2Fuserprofile');
    expect((await web.authenticate(session)).status).toBe(401);
  });

  it('the sign-out form goes back to the sign-in page', async () => {
    const { session } = await web.signedIn('out');
    const answer = await call(PROXY, '/api/session/logout', { form: {}, session, headers: ORIGIN });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe('/signin?signed_out=1');
    expect((await web.authenticate(session)).status).toBe(401);
  });

  it('logout-all (token flow) ends every browser session of the user, and no one else\'s', async () => {
    const { username, session } = await web.signedIn('all');
    const other = await web.signedIn('other');
    const second = sessionSet(await web.login(username))!;
    const signedIn = await tokens.signin(username);
    expect((await tokens.logoutAll(signedIn.body.access_token)).status).toBe(200);
    for (const ended of [session, second]) expect(await web.profile(ended)).toMatchObject({ status: 401, body: LOGIN_HINT });
    expect((await web.authenticate(other.session)).status).toBe(200);
    expect((await web.authenticate(sessionSet(await web.login(username))!)).status).toBe(200);
  });

  it('a password change ends every browser session of the user', async () => {
    const { username, session } = await web.signedIn('pw');
    const signedIn = await tokens.signin(username);
    expect((await tokens.changePassword(signedIn.body.access_token, PASSWORD, 'a brand new password')).status).toBe(200);
    expect((await web.authenticate(session)).status).toBe(401);
    expect((await web.login(username)).status).toBe(401);
    expect((await web.login(username, 'a brand new password')).status).toBe(200);
  });
});

describe('attacks', () => {
  it('session fixation: a cookie set before sign-in is never the one signed in', async () => {
    // An attacker plants an id of their choosing, or even one of their own live sessions.
    const attacker = await web.signedIn('attacker');
    const victim = uniqueName('victim');
    await web.register(victim);
    for (const planted of [`${victim}.${'A'.repeat(43)}`, attacker.session]) {
      const login = await call(PROXY, '/api/session/login', { json: { username: victim, password: PASSWORD }, session: planted });
      const issued = sessionSet(login)!;
      expect(issued).not.toBe(planted);
      expect((await web.authenticate(issued)).headers.get('x-user')).toBe(victim);
      expect((await web.authenticate(planted)).status).toBe(401);
    }
  });

  it('forged identity headers straight to the profile function get 401, in-process and on its direct port', async () => {
    const victim = await web.signedIn('victim');
    await web.createProfile(victim.session, PROFILE, ORIGIN);
    const forged = { 'X-User': victim.username, 'X-Email': `${victim.username}@example.com`, 'X-First-Name': 'Ada' };

    const inProcess = await getProfile(apiEvent('GET', '/api/userprofile', { headers: forged }), {} as never);
    expect({ status: inProcess.statusCode, body: JSON.parse(inProcess.body) }).toEqual({ status: 401, body: { code: 'invalid_token', message: 'Unauthorized' } });
    expect(await call(process.env.API_URL!, '/api/userprofile', { headers: forged })).toMatchObject({ status: 401, body: { code: 'invalid_token' } });

    // A valid identity token of one's own, with headers naming the victim: refused too.
    const mallory = await web.signedIn('mallory');
    const own = (await web.authenticate(mallory.session)).headers.get('authorization')!;
    const withToken = await updateProfile(
      apiEvent('PUT', '/api/userprofile', { body: { display_name: 'pwned' }, headers: { ...forged, Authorization: own } }),
      {} as never,
    );
    expect(withToken.statusCode).toBe(401);
    expect(await call(process.env.API_URL!, '/api/userprofile', { headers: { ...forged, Authorization: own } })).toMatchObject({ status: 401 });
    expect((await web.profile(victim.session)).body).toMatchObject({ display_name: PROFILE.display_name });
  });

  it('a cross-site form post is refused (403): sign-in, sign-out and profile changes', async () => {
    const { username, session } = await web.signedIn('csrf');
    const refused = { status: 403, body: { code: 'cross_site_request', message: 'Cross-site request refused' } };
    expect(await call(PROXY, '/api/session/login', { form: { username, password: PASSWORD }, headers: CROSS_SITE })).toMatchObject(refused);
    expect(await call(PROXY, '/api/session/logout', { form: {}, session, headers: CROSS_SITE })).toMatchObject(refused);
    expect(await call(PROXY, '/api/session/logout', { form: {}, session, headers: { Origin: 'null' } })).toMatchObject(refused);
    expect(await web.createProfile(session, PROFILE, CROSS_SITE)).toMatchObject(refused);
    expect(await web.updateProfile(session, PROFILE, { 'Sec-Fetch-Site': 'same-site', Origin: 'https://sub.evil.test' })).toMatchObject(refused);
    expect((await web.authenticate(session)).status).toBe(200);
    expect((await web.profile(session)).status).toBe(404);
  });

  it('open redirects: sign-in goes on to a path on this site only', async () => {
    const username = uniqueName('redir');
    await web.register(username);
    const formLogin = (next: string) => call(PROXY, '/api/session/login', { form: { username, password: PASSWORD, next }, headers: ORIGIN });
    for (const next of ['//evil.test/', 'https://evil.test/', '/\\evil.test', '%2F%2Fevil.test', '/%2F/evil.test', 'javascript:alert(1)']) {
      const answer = await formLogin(next);
      expect({ next, status: answer.status, location: answer.headers.get('location') }).toEqual({ next, status: 303, location: '/profile' });
    }
    const kept = await formLogin('/profile?tab=about');
    expect(kept.headers.get('location')).toBe('/profile?tab=about');
    expect(sessionSet(kept)).toBeDefined();
    // The gateway's own redirect to the sign-in page (forward-auth) is held to
    // same-site paths by its conformance suite, test/gateway/plugins/forward-auth.test.ts.
  });
});

describe('pages', () => {
  it('serve HTML with a strict CSP, no framing, no sniffing, and a same-origin Referer', async () => {
    for (const path of ['/signin', '/register']) {
      const page = await call(PROXY, path);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(page.headers.get('x-frame-options')).toBe('DENY');
      expect(page.headers.get('referrer-policy')).toBe('same-origin');
      expect(page.text).not.toMatch(/<script>|<style|\sstyle=|\son[a-z]+=/);
    }
    const script = await call(PROXY, '/assets/app.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await call(PROXY, '/assets/app.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('escape what comes from the URL or a form', async () => {
    const page = await call(PROXY, `/signin?next=${encodeURIComponent('/"><script>alert(1)</script>')}`);
    expect(page.text).toContain('value="/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(page.text).not.toContain('<script>alert');
    const failed = await call(PROXY, '/api/session/login', { form: { username: '<img src=x>', password: 'x' }, headers: ORIGIN });
    expect(failed.status).toBe(401);
    expect(failed.text).toContain('value="&lt;img src=x&gt;"');
    expect(failed.text).toContain('Invalid username or password');
  });

  it('the register form signs up and goes on to the sign-in page, or comes back with the error', async () => {
    const username = uniqueName('form');
    const form = { username, password: PASSWORD, email: `${username}@example.com`, first_name: 'Form', next: '/profile' };
    const made = await call(PROXY, '/api/session/register', { form, headers: ORIGIN });
    expect(made.status).toBe(303);
    expect(made.headers.get('location')).toBe('/signin?registered=1&next=%2Fprofile');
    const again = await call(PROXY, '/api/session/register', { form: { ...form, password: 'short' }, headers: ORIGIN });
    expect(again.status).toBe(400);
    expect(again.text).toContain('Password must be at least 15 characters');
    expect(again.text).toContain(`value="${username}"`);
    expect(again.text).not.toContain('short');
  });
});
