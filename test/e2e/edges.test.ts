/**
 * What kong.yml puts in front of the functions, end to end through the
 * gateway: Kong's cors plugin for browser pages on another origin (the shared
 * stack lists TEST_CORS_ORIGINS), and request-size-limiting, which refuses
 * bodies far over what any function takes before one is invoked. The limits'
 * counting (local or redis) is test/gateway/kong-yml-edges.test.ts.
 */
import { browserSessions, call } from '../support/browser-sessions';
import { admin, PASSWORD, storedUser, uniqueName } from '../support/clients';
import { TEST_CORS_ORIGINS } from '../support/stack';

const PROXY = process.env.PROXY_URL!;
const LISTED = TEST_CORS_ORIGINS[0];
const UNLISTED = 'https://evil.example.test';
const web = browserSessions(PROXY);

const preflight = (path: string, origin: string, method = 'POST') =>
  call(PROXY, path, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'content-type' },
  });
const cors = (answer: { headers: Headers }) => ({
  allowOrigin: answer.headers.get('access-control-allow-origin'),
  allowCredentials: answer.headers.get('access-control-allow-credentials'),
});

describe('cors: browser pages on the listed origins', () => {
  it('a preflight from a listed origin gets Kong\'s answer; the function never sees it', async () => {
    const answer = await preflight('/api/public/signin', LISTED);
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('');
    expect(Object.fromEntries([...answer.headers].filter(([name]) => name.startsWith('access-control-')))).toEqual({
      'access-control-allow-origin': LISTED,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Content-Type',
      'access-control-max-age': '600',
    });
    expect(answer.headers.get('vary')).toMatch(/Origin/);
    // Kong made this answer, not a function (which sends Cache-Control: no-store on everything).
    expect(answer.headers.get('server')).toMatch(/^kong\//);
    expect(answer.headers.get('cache-control')).toBeNull();
  });

  it('the actual request from a listed origin carries the CORS headers, without credentials on the token routes', async () => {
    const username = uniqueName('cors');
    const signup = await call(PROXY, '/api/public/signup', { json: { username, password: PASSWORD }, headers: { Origin: LISTED } });
    expect(signup.status).toBe(201);
    expect(cors(signup)).toEqual({ allowOrigin: LISTED, allowCredentials: null });
    expect(signup.headers.get('access-control-expose-headers')).toBe('Retry-After,X-Kong-Request-Id');

    const jwks = await call(PROXY, '/.well-known/jwks.json', { headers: { Origin: LISTED } });
    expect(jwks.status).toBe(200);
    expect(cors(jwks).allowOrigin).toBe(LISTED);
  });

  it('an unlisted origin gets no CORS headers, on the preflight or the request', async () => {
    for (const path of ['/api/public/signin', '/api/session/login', '/api/userprofile', '/.well-known/jwks.json']) {
      const answer = await preflight(path, UNLISTED);
      expect({ path, status: answer.status, allowOrigin: cors(answer).allowOrigin }).toEqual({ path, status: 200, allowOrigin: null });
    }
    const signin = await call(PROXY, '/api/public/signin', { json: { username: 'nobody', password: PASSWORD }, headers: { Origin: UNLISTED } });
    expect(signin.status).toBe(401);
    expect(cors(signin).allowOrigin).toBeNull();
  });

  it('session and profile routes allow credentials to listed origins: the session can be read from there', async () => {
    const answer = await preflight('/api/userprofile', LISTED, 'PUT');
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET,POST,PUT');
    expect(cors(answer)).toEqual({ allowOrigin: LISTED, allowCredentials: 'true' });

    const { session } = await web.signedIn('cors');
    const fromApp = { Origin: LISTED, 'Sec-Fetch-Site': 'same-site' };
    const read = await web.profile(session, fromApp);
    expect(read.status).toBe(404); // no profile yet: the function answered, for the signed-in user
    expect(read.body).toMatchObject({ code: 'profile_not_found' });
    expect(cors(read)).toEqual({ allowOrigin: LISTED, allowCredentials: 'true' });
  });

  it('changes with the cookie stay same-origin: a listed origin is told 403 (and may read why), nothing changes', async () => {
    const { username, session } = await web.signedIn('cors');
    const fromApp = { Origin: LISTED, 'Sec-Fetch-Site': 'same-site' };
    const create = await web.createProfile(session, { display_name: 'From the app' }, fromApp);
    expect(create).toMatchObject({ status: 403, body: { code: 'cross_site_request' } });
    expect(cors(create)).toEqual({ allowOrigin: LISTED, allowCredentials: 'true' });
    expect((await web.profile(session)).status).toBe(404);

    const login = await web.login(username, PASSWORD, fromApp);
    expect(login).toMatchObject({ status: 403, body: { code: 'cross_site_request' } });
    expect(login.headers.getSetCookie()).toEqual([]);
  });
});

describe('request-size-limiting: bodies far over what a function takes', () => {
  it('an OPTIONS that is not a preflight reaches the function, which does nothing with it', async () => {
    const username = uniqueName('options');
    const answer = await fetch(`${PROXY}/api/public/signup`, {
      method: 'OPTIONS',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    expect(answer.status).toBe(204);
    expect(await storedUser(username)).toBeUndefined();
    expect((await admin('GET', `/consumers/${username}`)).status).toBe(404);
  });

  it('a 20 KB body is refused 413 by the gateway, and no function ran', async () => {
    const username = uniqueName('big');
    const body = JSON.stringify({ username, password: PASSWORD, padding: 'x'.repeat(20 * 1024) });
    const refused = await fetch(`${PROXY}/api/public/signup`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body });
    expect(refused.status).toBe(413);
    expect(await refused.json()).toEqual({ message: 'Request size limit exceeded', request_id: refused.headers.get('x-kong-request-id') });
    // The signup would have made the account and its Kong consumer: neither exists.
    expect(await storedUser(username)).toBeUndefined();
    expect((await admin('GET', `/consumers/${username}`)).status).toBe(404);
  });

  it('a body over the functions\' 4 KiB but within the gateway\'s 8 KiB gets the function\'s own 400', async () => {
    const body = JSON.stringify({ username: uniqueName('big'), password: PASSWORD, padding: 'x'.repeat(6 * 1024) });
    const answer = await fetch(`${PROXY}/api/public/signup`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ code: 'invalid_request', message: 'Request body must not exceed 4096 bytes' });
  });
});
