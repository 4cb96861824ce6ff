/**
 * The forward-auth plugin (kong/plugins/forward-auth, the project's own Kong
 * plugin, and its local-gateway twin kong/gateway/plugins/forward-auth): each
 * request to a protected route is checked with the identity provider, whose
 * answer decides between proxying with its identity headers, a 401 or a
 * sign-in redirect, and a 503. The routes are
 * test/gateway/fixtures/forward-auth.kong.yml; the identity provider is a
 * stand-in (test/gateway/identity-provider-stand-in.ts), the upstream an echo.
 *
 * Against real Kong (see support.ts), Kong must load the plugin, as
 * docker-compose.yml's does (KONG_PLUGINS=bundled,forward-auth, kong/plugins
 * mounted), and reach this machine's 127.0.0.1, where the suite's upstream and
 * identity provider listen, like the other suites' stand-ins (Kong on the host,
 * or its container on the host network). Set GATEWAY_ECHO_PORT and
 * GATEWAY_IDP_PORT to free ports and sync the fixture first:
 *   DECK_ECHO_URL=http://127.0.0.1:$GATEWAY_ECHO_PORT \
 *   DECK_IDP_ORIGIN=http://127.0.0.1:$GATEWAY_IDP_PORT \
 *   DECK_IDP_CLOSED_ORIGIN=http://127.0.0.1:1 \
 *   deck gateway sync test/gateway/fixtures/forward-auth.kong.yml
 * (its select_tags keep kong/kong.yml's entities out of that sync).
 * The cache is per nginx worker: the tests that count cache hits send their
 * requests on one kept-alive connection, which one worker serves.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Agent, createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConnection } from 'node:net';
import path from 'node:path';
import { identityOf, SLOW_MS, startIdentityProvider, type IdentityProvider } from '../identity-provider-stand-in';
import { REMOTE, REQUEST_ID, startFixtureTarget, type Reply, type Target } from '../support';
import { awayFromMinuteEnd } from '../../support/rate-windows';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'forward-auth.kong.yml');

/** An upstream that answers with what it got, and remembers it. */
interface Upstream {
  url: string;
  received: { method: string; url: string; headers: IncomingHttpHeaders }[];
  close(): Promise<void>;
}

async function startUpstream(port: number): Promise<Upstream> {
  const received: Upstream['received'] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers };
      received.push(seen);
      // ?revoke=<item>: the answer carries it as X-Forward-Auth-Revoke, as a logout's does.
      const revoke = new URL(req.url ?? '/', 'http://upstream').searchParams.getAll('revoke');
      const lines = ['Content-Type', 'application/json', ...revoke.flatMap((item) => ['X-Forward-Auth-Revoke', item])];
      res.writeHead(200, lines).end(JSON.stringify(seen));
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** An origin nothing listens on: a port the system handed out, then closed. */
async function closedOrigin(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

let idp: IdentityProvider;
let upstream: Upstream;
let target: Target;
/** What the local gateway logs (Kong's log is out of reach here): checked for credentials at the end. */
let logged: jest.SpyInstance;
beforeAll(async () => {
  logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  if (REMOTE && !(process.env.GATEWAY_ECHO_PORT && process.env.GATEWAY_IDP_PORT)) {
    throw new Error('GATEWAY_ECHO_PORT and GATEWAY_IDP_PORT must name the ports the synced fixture points at');
  }
  idp = await startIdentityProvider(REMOTE ? Number(process.env.GATEWAY_IDP_PORT) : 0);
  upstream = await startUpstream(REMOTE ? Number(process.env.GATEWAY_ECHO_PORT) : 0);
  target = await startFixtureTarget(FIXTURE, {
    DECK_ECHO_URL: upstream.url,
    DECK_IDP_ORIGIN: idp.origin,
    DECK_IDP_CLOSED_ORIGIN: await closedOrigin(),
  });
});
afterAll(async () => {
  logged.mockRestore();
  await target?.close();
  await upstream?.close();
  await idp?.close();
});

let sessionCount = 0;
/** A session signed in at the identity provider, and the cookie a browser would send for it. */
function signedIn(user = 'ada', identity = identityOf(user)): { session: string; cookie: string } {
  const session = `session-${++sessionCount}-${Date.now()}`;
  idp.signIn(session, identity);
  return { session, cookie: `JSESSIONID=${session}; theme=dark` };
}

interface Options {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string;
  /** Defaults to a new connection per request. */
  agent?: Agent;
}

function call(pathAndQuery: string, { method = 'GET', headers = {}, body, agent }: Options = {}): Promise<Reply> {
  const url = new URL(target.proxyUrl);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path: pathAndQuery, method, headers, agent: agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const bytes = Buffer.concat(chunks);
        const text = bytes.toString('utf8');
        let parsed: unknown;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode!, headers: res.headers, text, bytes, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Counts what a block of requests caused at the identity provider and the upstream. */
async function counting<T>(block: () => Promise<T>): Promise<{ result: T; asked: number; proxied: number }> {
  const [idpBefore, upstreamBefore] = [idp.calls.length, upstream.received.length];
  const result = await block();
  return { result, asked: idp.calls.length - idpBefore, proxied: upstream.received.length - upstreamBefore };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Client-sent identity headers, in spellings nginx keeps apart but some upstream frameworks do not. */
const FORGED = {
  'X-User': 'admin',
  'x-email': 'admin@evil.test',
  X_First_Name: 'Mallory',
  X_USER: 'root',
  Authorization: 'Bearer forged',
};

const IDENTITY_NAMES = ['x-user', 'x-email', 'x-first-name', 'authorization'];

/** No header the upstream got, under any spelling, carries a forged value. */
function expectNoForgedHeaders(headers: IncomingHttpHeaders): void {
  const forged = new Set(Object.values(FORGED));
  for (const [name, value] of Object.entries(headers)) {
    for (const item of Array.isArray(value) ? value : [value]) expect({ name, forged: forged.has(String(item)) }).toEqual({ name, forged: false });
  }
  for (const name of ['x_user', 'x_first_name', 'x_email']) expect(headers[name]).toBeUndefined();
}

const LOGIN_REQUIRED = { code: 'login_required', message: 'Please sign in', login_url: '/signin' };
const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('a signed-in session', () => {
  test('reaches the upstream with the identity the identity provider answered', async () => {
    const { cookie } = signedIn('ada');
    const { result: reply, asked, proxied } = await counting(() => call('/fa/userprofile?tab=1', { headers: { Cookie: cookie } }));
    expect([reply.status, asked, proxied]).toEqual([200, 1, 1]);
    expect(reply.body.url).toBe('/fa/userprofile?tab=1');
    expect(reply.body.headers).toMatchObject({
      'x-user': 'ada',
      'x-email': 'ada@example.test',
      'x-first-name': 'Ada',
      authorization: 'Bearer stand-in-jwt.ada',
      // The session cookie goes on to the upstream too, as design 003 has it.
      cookie,
    });

    const asking = idp.calls[idp.calls.length - 1];
    expect([asking.method, asking.url, asking.headers.cookie]).toEqual(['GET', '/api/session/authenticate', cookie]);
  });

  test('writes go through the same way, with their method and body', async () => {
    const { cookie } = signedIn('grace', identityOf('grace', 'Grace'));
    for (const method of ['POST', 'PUT']) {
      const reply = await call('/fa/userprofile', { method, headers: { Cookie: cookie, 'Content-Type': 'application/json' }, body: '{"city":"Paris"}' });
      expect([reply.status, reply.body.method, reply.body.headers['x-user'], reply.body.headers['content-length']]).toEqual([200, method, 'grace', '16']);
    }
  });

  test('the identity provider gets the forwarded headers only', async () => {
    const { cookie } = signedIn();
    await call('/fa', { headers: { Cookie: cookie, 'User-Agent': 'browser/1.0', ...FORGED } });
    const asked = idp.calls[idp.calls.length - 1].headers;
    expect(asked.cookie).toBe(cookie);
    for (const name of [...IDENTITY_NAMES, 'x_user', 'x_first_name']) expect(asked[name]).toBeUndefined();
    expect(asked['user-agent']).not.toBe('browser/1.0');

    // A route forwarding User-Agent too.
    await call('/fa-custom', { headers: { Cookie: cookie, 'User-Agent': 'browser/1.0' } });
    expect(idp.calls[idp.calls.length - 1].headers['user-agent']).toBe('browser/1.0');
  });

  test('client-sent identity headers never reach the upstream, in any spelling', async () => {
    const { cookie } = signedIn('ada');
    const reply = await call('/fa', { headers: { Cookie: cookie, ...FORGED } });
    expect(reply.status).toBe(200);
    expect(reply.body.headers).toMatchObject({ 'x-user': 'ada', authorization: 'Bearer stand-in-jwt.ada' });
    expectNoForgedHeaders(reply.body.headers);
  });

  test('headers the answer lacks are removed, not left as the client sent them', async () => {
    const { cookie } = signedIn('lin', [['X-User', 'lin']]);
    const reply = await call('/fa', { headers: { Cookie: cookie, ...FORGED } });
    expect(reply.status).toBe(200);
    expect(reply.body.headers['x-user']).toBe('lin');
    for (const name of ['x-email', 'x-first-name', 'authorization']) expect(reply.body.headers[name]).toBeUndefined();
    expectNoForgedHeaders(reply.body.headers);
  });

  test('only the configured headers of the answer are copied', async () => {
    const { cookie } = signedIn('ada', [...identityOf('ada'), ['X-Role', 'admin']]);
    const everything = await call('/fa', { headers: { Cookie: cookie } });
    expect(everything.body.headers['x-role']).toBeUndefined();
    const userOnly = await call('/fa-custom', { headers: { Cookie: cookie } });
    expect(userOnly.body.headers['x-user']).toBe('ada');
    for (const name of ['x-email', 'x-first-name', 'authorization']) expect(userOnly.body.headers[name]).toBeUndefined();
  });
});

describe('no session: 401 for API clients, a sign-in redirect for browsers', () => {
  test('without a cookie: 401 with the sign-in page, the identity provider is not asked', async () => {
    for (const accept of [undefined, 'application/json', '*/*']) {
      const { result: reply, asked, proxied } = await counting(() => call('/fa/userprofile', { headers: { ...(accept ? { Accept: accept } : {}), ...FORGED } }));
      expect([reply.status, reply.headers['content-type'], reply.body, asked, proxied]).toEqual([
        401, 'application/json; charset=utf-8', LOGIN_REQUIRED, 0, 0,
      ]);
      expect(reply.headers.server).toBe('kong/3.9.3');
      expect(reply.headers['x-kong-request-id']).toMatch(REQUEST_ID);
    }
  });

  test('an unknown or ended session: the identity provider says 401, so does the gateway', async () => {
    const { result: unknown, asked } = await counting(() => call('/fa', { headers: { Cookie: 'JSESSIONID=nobody' } }));
    expect([unknown.status, unknown.body, asked]).toEqual([401, LOGIN_REQUIRED, 1]);

    const { session, cookie } = signedIn();
    expect((await call('/fa', { headers: { Cookie: cookie } })).status).toBe(200);
    idp.signOut(session);
    const { result: ended, proxied } = await counting(() => call('/fa', { headers: { Cookie: cookie, ...FORGED } }));
    expect([ended.status, ended.body, proxied]).toEqual([401, LOGIN_REQUIRED, 0]);
  });

  test('a browser is redirected to the sign-in page, with where it was going as next', async () => {
    const reply = await call('/fa/userprofile?tab=1&q=a%20b', { headers: { Accept: BROWSER, Cookie: 'JSESSIONID=nobody' } });
    expect([reply.status, reply.headers.location, reply.text]).toEqual([302, '/signin?next=%2Ffa%2Fuserprofile%3Ftab%3D1%26q%3Da%2520b', '']);
    expect(reply.headers.server).toBe('kong/3.9.3');
    const next = new URL(reply.headers.location!, 'http://gateway.test').searchParams.getAll('next');
    expect(next).toEqual(['/fa/userprofile?tab=1&q=a%20b']);

    const noCookie = await call('/fa', { headers: { Accept: 'text/html' } });
    expect([noCookie.status, noCookie.headers.location]).toEqual([302, '/signin?next=%2Ffa']);
  });

  test('next joins a sign-in URL that has a query of its own', async () => {
    const reply = await call('/fa-custom/x', { headers: { Accept: 'text/html' } });
    expect([reply.status, reply.headers.location]).toEqual([302, '/account/login?from=gateway&next=%2Ffa-custom%2Fx']);
    const api = await call('/fa-custom/x');
    expect(api.body).toEqual({ ...LOGIN_REQUIRED, login_url: '/account/login?from=gateway' });
  });

  test.each([
    ['a protocol-relative path', '//evil.test/../fa'],
    ['a backslash', '/\\evil.test/../fa'],
    ['encoded slashes', '/%2F%2Fevil.test/../fa'],
    ['an encoded backslash', '/%5Cevil.test/../fa'],
    ['a tab browsers drop', '/%09/evil.test/../../fa'],
  ])('no open redirect: %s in the path leaves next out', async (_, attack) => {
    const reply = await call(attack, { headers: { Accept: 'text/html' } });
    expect([reply.status, reply.headers.location]).toEqual([302, '/signin']);
  });

  test('no open redirect: an absolute URL in the query stays inside next, encoded', async () => {
    const reply = await call('/fa?next=https://evil.test/&x=1', { headers: { Accept: 'text/html' } });
    expect(reply.status).toBe(302);
    const location = new URL(reply.headers.location!, 'http://gateway.test');
    expect([location.origin, location.pathname]).toEqual(['http://gateway.test', '/signin']);
    expect([...location.searchParams]).toEqual([['next', '/fa?next=https://evil.test/&x=1']]);
  });

  test('no open redirect: an absolute-form request target gives at most its own path as next', async () => {
    // Only a raw request can carry one.
    const raw = await new Promise<string>((resolve, reject) => {
      const url = new URL(target.proxyUrl);
      const socket = createConnection({ host: url.hostname, port: Number(url.port) }, () => {
        socket.end('GET http://evil.test/fa HTTP/1.1\r\nHost: evil.test\r\nAccept: text/html\r\nConnection: close\r\n\r\n');
      });
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    const head = raw.slice(0, raw.indexOf('\r\n\r\n'));
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
    const location = /^location: (.*)$/im.exec(head)?.[1];
    // nginx routes it by its path and $request_uri holds the path only: Kong
    // redirects with next=/fa. The local gateway routes it too but hands the
    // plugin the target as sent, which is no same-site path: no next at all.
    // Either way the sign-in page never sends the browser to evil.test.
    expect([[302, '/signin?next=%2Ffa'], [302, '/signin']]).toContainEqual([status, location]);
  });
});

describe('the identity provider in trouble: 503, never a 401 that would sign users out', () => {
  const UNAVAILABLE = 'Authentication service unavailable';

  afterEach(() => idp.failWith(null));

  test.each([500, 502, 503, 429])('it answers %i', async (status) => {
    const { cookie } = signedIn();
    idp.failWith(status);
    const { result: reply, asked, proxied } = await counting(() => call('/fa', { headers: { Cookie: cookie, ...FORGED } }));
    expect([reply.status, reply.body, asked, proxied]).toEqual([503, { message: UNAVAILABLE, request_id: reply.headers['x-kong-request-id'] }, 1, 0]);
    expect(reply.headers.server).toBe('kong/3.9.3');
  });

  test('it cannot be reached: the same 503, in the format Accept asks for, not a redirect', async () => {
    const { cookie } = signedIn();
    const json = await call('/fa-unreachable', { headers: { Cookie: cookie } });
    expect([json.status, json.body]).toEqual([503, { message: UNAVAILABLE, request_id: json.headers['x-kong-request-id'] }]);
    const html = await call('/fa-unreachable', { headers: { Cookie: cookie, Accept: BROWSER } });
    expect([html.status, html.headers['content-type'], html.headers.location]).toEqual([503, 'text/html; charset=utf-8', undefined]);
    expect(html.text).toContain(`<p>${UNAVAILABLE}.</p>`);
  });

  test(`it answers later than timeout (300 ms, the stand-in takes ${SLOW_MS} ms)`, async () => {
    const { cookie } = signedIn();
    const { result: reply, proxied } = await counting(() => call('/fa-slow', { headers: { Cookie: cookie } }));
    expect([reply.status, reply.body.message, proxied]).toEqual([503, UNAVAILABLE, 0]);
  });

  test('it refuses the user (403): 403', async () => {
    idp.failWith(403);
    const reply = await call('/fa', { headers: { Cookie: 'JSESSIONID=locked' } });
    expect([reply.status, reply.body]).toEqual([403, { message: 'Forbidden', request_id: reply.headers['x-kong-request-id'] }]);
  });

  test('an answer outside the protocol (a 404 from a wrong url, a repeated identity header): 502', async () => {
    idp.failWith(404);
    const notFound = await call('/fa', { headers: { Cookie: 'JSESSIONID=x' } });
    expect([notFound.status, notFound.body.message]).toEqual([502, 'Invalid answer from the authentication service']);
    idp.failWith(null);

    const { cookie } = signedIn('ada', [['X-User', 'ada'], ['X-User', 'admin']]);
    const { result: repeated, proxied } = await counting(() => call('/fa', { headers: { Cookie: cookie } }));
    expect([repeated.status, repeated.body.message, proxied]).toEqual([502, 'Invalid answer from the authentication service', 0]);
  });
});

describe('the cache of positive answers', () => {
  /** One kept-alive connection: one nginx worker, whose cache this is. */
  let connection: Agent;
  beforeEach(() => {
    connection = new Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(() => connection.destroy());

  test('cache_ttl 0: every request asks', async () => {
    const { cookie } = signedIn();
    const { result, asked } = await counting(async () => {
      const replies = [];
      for (let i = 0; i < 3; i++) replies.push(await call('/fa', { headers: { Cookie: cookie }, agent: connection }));
      return replies;
    });
    expect([result.map((r) => r.status), asked]).toEqual([[200, 200, 200], 3]);
  });

  test('within cache_ttl the answer is reused for the same cookie, forged headers still stripped', async () => {
    const { session, cookie } = signedIn('ada');
    const { result, asked } = await counting(async () => {
      const replies = [];
      for (let i = 0; i < 3; i++) replies.push(await call('/fa-cached', { headers: { Cookie: cookie, ...FORGED }, agent: connection }));
      return replies;
    });
    expect([result.map((r) => r.status), asked]).toEqual([[200, 200, 200], 1]);
    for (const reply of result) {
      expect(reply.body.headers).toMatchObject({ 'x-user': 'ada', authorization: 'Bearer stand-in-jwt.ada' });
      expectNoForgedHeaders(reply.body.headers);
    }

    // Ended at the identity provider, the session still works until its entry expires: the bound cache_ttl sets.
    idp.signOut(session);
    const { result: stale, asked: askedAgain } = await counting(() => call('/fa-cached', { headers: { Cookie: cookie }, agent: connection }));
    expect([stale.status, askedAgain]).toEqual([200, 0]);

    // Another session is another entry.
    const other = signedIn('grace', identityOf('grace', 'Grace'));
    const { result: second, asked: askedForOther } = await counting(() => call('/fa-cached', { headers: { Cookie: other.cookie }, agent: connection }));
    expect([second.body.headers['x-user'], askedForOther]).toEqual(['grace', 1]);
  });

  test('a sign-out bites once cache_ttl has passed', async () => {
    const { session, cookie } = signedIn();
    expect((await call('/fa-short-cache', { headers: { Cookie: cookie } })).status).toBe(200);
    idp.signOut(session);
    await sleep(1100); // cache_ttl is 1 s
    const { result: reply, asked, proxied } = await counting(() => call('/fa-short-cache', { headers: { Cookie: cookie, Accept: 'text/html' } }));
    expect([reply.status, reply.headers.location, asked, proxied]).toEqual([302, '/signin?next=%2Ffa-short-cache', 1, 0]);
  });

  test('negative answers are never kept: a 401 is asked again, and a sign-in works at once', async () => {
    const session = `late-${Date.now()}`;
    const cookie = `JSESSIONID=${session}`;
    const { result: refused, asked } = await counting(async () => [
      await call('/fa-cached', { headers: { Cookie: cookie }, agent: connection }),
      await call('/fa-cached', { headers: { Cookie: cookie }, agent: connection }),
    ]);
    expect([refused.map((r) => r.status), asked]).toEqual([[401, 401], 2]);

    idp.signIn(session, identityOf('late'));
    const reply = await call('/fa-cached', { headers: { Cookie: cookie }, agent: connection });
    expect([reply.status, reply.body.headers['x-user']]).toEqual([200, 'late']);
  });

  test('failures are never kept: once the identity provider is back, the session works at once', async () => {
    const { cookie } = signedIn('ada');
    idp.failWith(500);
    try {
      expect((await call('/fa-cached', { headers: { Cookie: cookie }, agent: connection })).status).toBe(503);
    } finally {
      idp.failWith(null);
    }
    const { result: reply, asked } = await counting(() => call('/fa-cached', { headers: { Cookie: cookie }, agent: connection }));
    expect([reply.status, asked]).toEqual([200, 1]);
  });
});

test('no log line holds a session cookie', () => {
  const lines = logged.mock.calls.map((args) => args.join(' '));
  if (!REMOTE) expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(line).not.toMatch(/JSESSIONID|session-\d/);
});


/** A session id shaped as lib/browser-sessions issues them, signed in at the identity provider. */
function sessionOf(user: string, identity = identityOf(user)): { id: string; digest: string; cookie: string } {
  const id = `${user}.${randomBytes(32).toString('base64url')}`;
  idp.signIn(id, identity);
  return { id, digest: createHash('sha256').update(id).digest('hex'), cookie: `JSESSIONID=${id}; theme=dark` };
}

describe('a session cookie (session_cookie)', () => {
  const valid = `ada.${'A'.repeat(43)}`;
  test.each([
    ['none, other cookies only', 'theme=dark'],
    ['too short', 'JSESSIONID=ada.short'],
    ['too long', `JSESSIONID=ada.${'A'.repeat(80)}`],
    ['outside base64url and "."', `JSESSIONID=ada.${'A'.repeat(42)}%`],
    ['quoted', `JSESSIONID="${valid}"`],
    ['twice (cookie tossing)', `JSESSIONID=${valid}; theme=dark; JSESSIONID=${valid}`],
  ])('made up and malformed (%s): refused as without a cookie, the identity provider never asked', async (_, cookie) => {
    const { result, asked, proxied } = await counting(() => call('/fa-session', { headers: { Cookie: cookie } }));
    expect([result.status, result.body, asked, proxied]).toEqual([401, LOGIN_REQUIRED, 0, 0]);
    const browser = await counting(() => call('/fa-session', { headers: { Cookie: cookie, Accept: BROWSER } }));
    expect([browser.result.status, browser.result.headers.location, browser.asked]).toEqual([302, '/signin?next=%2Ffa-session', 0]);
  });

  test('well formed: asked about with every cookie; the upstream gets the other cookies, never the session', async () => {
    const { id } = sessionOf('ada');
    const { result, asked } = await counting(() =>
      call('/fa-session', { headers: { Cookie: [`a=1; JSESSIONID=${id}`, 'theme=dark'] } }),
    );
    expect([result.status, asked, result.body.headers['x-user']]).toEqual([200, 1, 'ada']);
    expect(idp.calls.at(-1)!.headers.cookie).toContain(`JSESSIONID=${id}`);
    expect(result.body.headers.cookie).toBe('a=1; theme=dark');

    const alone = await call('/fa-session', { headers: { Cookie: `JSESSIONID=${id}` } });
    expect([alone.status, alone.body.headers.cookie]).toEqual([200, undefined]);
  });
});

describe('revocations: X-Forward-Auth-Revoke in the answer of a route with accept_revocations', () => {
  let connection: Agent;
  beforeEach(() => {
    connection = new Agent({ keepAlive: true, maxSockets: 1 });
  });
  afterEach(() => connection.destroy());

  const get = (cookie: string) => counting(() => call('/fa-session', { headers: { Cookie: cookie }, agent: connection }));

  test("a logout (session=) drops that session's cached answer at once, and no other; the header never reaches the client", async () => {
    const ada = sessionOf('ada');
    const grace = sessionOf('grace', identityOf('grace', 'Grace'));
    for (const { cookie } of [ada, grace]) expect((await get(cookie)).asked).toBe(1);
    expect((await get(ada.cookie)).asked).toBe(0);

    idp.signOut(ada.id);
    const logout = await call(`/fa-logout?revoke=session%3D${ada.digest}`, { method: 'POST', headers: { Cookie: ada.cookie }, agent: connection });
    expect([logout.status, logout.headers['x-forward-auth-revoke']]).toEqual([200, undefined]);

    const next = await get(ada.cookie);
    expect([next.result.status, next.asked, next.proxied]).toEqual([401, 1, 0]);
    const other = await get(grace.cookie);
    expect([other.result.status, other.asked]).toEqual([200, 0]);
  });

  test("sign-out everywhere or a password change (user=) drops all of that user's sessions, no one else's", async () => {
    const first = sessionOf('lin');
    const second = sessionOf('lin');
    const grace = sessionOf('grace', identityOf('grace', 'Grace'));
    for (const { cookie } of [first, second, grace]) expect((await get(cookie)).asked).toBe(1);

    const answer = await call('/fa-logout?revoke=user%3Dlin', { method: 'POST', agent: connection });
    expect(answer.headers['x-forward-auth-revoke']).toBeUndefined();
    for (const { cookie } of [first, second]) expect((await get(cookie)).asked).toBe(1);
    expect((await get(grace.cookie)).asked).toBe(0);
  });

  test("another route's answer (the profile service's) cannot end anyone's cached answer; the header is removed there too", async () => {
    const ada = sessionOf('ada');
    expect((await get(ada.cookie)).asked).toBe(1);
    const { result } = await counting(() => call('/fa-session?revoke=user%3Dada', { headers: { Cookie: ada.cookie }, agent: connection }));
    expect([result.status, result.headers['x-forward-auth-revoke']]).toEqual([200, undefined]);
    expect((await get(ada.cookie)).asked).toBe(0);
  });

  test('an answer asked before a logout does not count after it, however late it arrives', async () => {
    const ada = sessionOf('ada');
    const slow = call('/fa-session-slow', { headers: { Cookie: ada.cookie } });
    await sleep(SLOW_MS / 4); // the identity provider has been asked, and has not answered yet
    await call(`/fa-logout?revoke=session%3D${ada.digest}`, { method: 'POST' });
    expect((await slow).status).toBe(200); // it said yes before the logout
    idp.signOut(ada.id);
    const { result, asked } = await counting(() => call('/fa-session-slow', { headers: { Cookie: ada.cookie } }));
    expect([result.status, asked]).toEqual([401, 1]);
  });

  test('a client cannot send one: it never reaches the upstream and ends nothing', async () => {
    const ada = sessionOf('ada');
    expect((await get(ada.cookie)).asked).toBe(1);
    const forged = { 'X-Forward-Auth-Revoke': 'user=ada', X_Forward_Auth_Revoke: `session=${ada.digest}` };
    for (const route of ['/fa-logout', '/fa-session']) {
      const reply = await call(route, { method: 'POST', headers: { ...forged, Cookie: ada.cookie }, agent: connection });
      expect(reply.status).toBe(200);
      expect(Object.keys(reply.body.headers).filter((name) => /forward.auth.revoke/i.test(name))).toEqual([]);
    }
    expect((await get(ada.cookie)).asked).toBe(0);
  });
});

describe('a flood of made-up cookies on a rate-limited route (rate-limiting 910 runs before forward-auth)', () => {
  test('meets 429 past the limit, and the identity provider is asked no more than the limit allows', async () => {
    const madeUp = () => `JSESSIONID=eve.${randomBytes(32).toString('base64url').slice(0, 43)}`;
    await awayFromMinuteEnd();
    const { result: statuses, asked, proxied } = await counting(async () => {
      const seen: number[] = [];
      for (let i = 0; i < 10; i += 1) seen.push((await call('/fa-limited', { headers: { Cookie: madeUp() } })).status);
      return seen;
    });
    // fa-limited allows 3 a minute per address: 3 refusals from the identity provider, then Kong's 429.
    expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429, 429, 429]);
    expect([asked, proxied]).toEqual([3, 0]);
  });
});

describe('api_key: the gateway\'s own key for the identity provider', () => {
  test('goes in api_key_header on every call, replacing a client-sent copy, and never reaches the upstream', async () => {
    const { cookie } = signedIn('ada');
    const { result, asked } = await counting(() => call('/fa-keyed', { headers: { Cookie: cookie, apikey: 'client-made-up' } }));
    expect([result.status, asked, result.body.headers['x-user']]).toEqual([200, 1, 'ada']);
    expect(idp.calls.at(-1)!.headers.apikey).toBe('fixture-gateway-key');
    expect(result.body.headers.apikey).toBe('client-made-up');

    await call('/fa-keyed', { headers: { Cookie: cookie } });
    expect(idp.calls.at(-1)!.headers.apikey).toBe('fixture-gateway-key');
    // Routes without api_key send none.
    await call('/fa', { headers: { Cookie: cookie, apikey: 'client-made-up' } });
    expect(idp.calls.at(-1)!.headers.apikey).toBeUndefined();
  });
});
