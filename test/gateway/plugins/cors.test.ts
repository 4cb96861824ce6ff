/**
 * The cors plugin as Kong 3.9 runs it: preflights answered before any other
 * plugin, the CORS headers on every other answer of the route (upstream,
 * plugin-made, Kong's errors). Routes: test/gateway/fixtures/cors.kong.yml.
 *
 * Against real Kong (see support.ts) sync the fixture first:
 *   DECK_ECHO_URL=http://<this machine>:$GATEWAY_ECHO_PORT DECK_CLOSED_URL=http://127.0.0.1:1 \
 *   deck gateway sync test/gateway/fixtures/cors.kong.yml
 */
import path from 'node:path';
import { closedUrl, echoAnswer, send, startEchoFixtureTarget, unique, type Reply, type Target } from '../support';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'cors.kong.yml');
const ALL_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT';

let target: Target;
beforeAll(async () => {
  target = await startEchoFixtureTarget(FIXTURE, { DECK_CLOSED_URL: await closedUrl() });
});
afterAll(() => target.close());

const call = (route: string, headers: Record<string, string> = {}, method = 'GET') => send(target.proxyUrl, `/cors/${route}`, { method, headers });
const preflight = (route: string, headers: Record<string, string> = {}) =>
  call(route, { Origin: 'https://app.example.test', 'Access-Control-Request-Method': 'POST', ...headers }, 'OPTIONS');

/** The CORS headers of an answer, and Vary. */
function cors(reply: Reply): Record<string, unknown> {
  return Object.fromEntries(Object.entries(reply.headers).filter(([name]) => name.startsWith('access-control-') || name === 'vary'));
}

describe('preflight (OPTIONS with Origin and Access-Control-Request-Method)', () => {
  test('answered by the plugin: 200, empty, the allowed methods, the requested headers echoed', async () => {
    const reply = await preflight('default', { 'Access-Control-Request-Headers': 'Authorization, X-Custom' });
    expect([reply.status, reply.text, reply.headers['content-length'], reply.headers['content-type']]).toEqual([200, '', '0', undefined]);
    expect(cors(reply)).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-methods': ALL_METHODS,
      'access-control-allow-headers': 'Authorization, X-Custom',
    });
    // Kong made it: the upstream never saw it.
    expect(reply.headers['x-echo']).toBeUndefined();
    expect(reply.headers['x-kong-response-latency']).toMatch(/^\d+$/);
    expect(reply.headers.via).toBeUndefined();
  });

  test('with configured methods, headers, max_age and credentials', async () => {
    const reply = await preflight('list', { 'Access-Control-Request-Headers': 'X-Ignored' });
    expect(cors(reply)).toEqual({
      'access-control-allow-origin': 'https://app.example.test',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,POST',
      'access-control-allow-headers': 'Authorization,Content-Type',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
  });

  test('an origin that is not allowed still gets 200, without Access-Control-Allow-Origin', async () => {
    const reply = await preflight('list', { Origin: 'https://evil.test' });
    expect(reply.status).toBe(200);
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
    expect(reply.headers['access-control-allow-credentials']).toBe('true');
  });

  test('private_network: allowed only when the request asks for it', async () => {
    const asked = await preflight('private-network', { 'Access-Control-Request-Private-Network': 'true' });
    expect(asked.headers['access-control-allow-private-network']).toBe('true');
    expect((await preflight('private-network')).headers['access-control-allow-private-network']).toBeUndefined();
  });

  test('preflight_continue: proxied, and the plugin adds nothing', async () => {
    const reply = await preflight('preflight-continue');
    expect([reply.status, reply.headers['x-echo']]).toEqual([200, 'yes']);
    expect(cors(reply)).toEqual({});
  });

  test('an OPTIONS without Access-Control-Request-Method is an ordinary request', async () => {
    const reply = await call('default', { Origin: 'https://app.example.test' }, 'OPTIONS');
    expect([reply.status, reply.headers['x-echo'], cors(reply)]).toEqual([200, 'yes', { 'access-control-allow-origin': '*' }]);
  });

  test('runs before authentication: a preflight needs no token', async () => {
    const reply = await preflight('jwt');
    expect([reply.status, reply.headers['access-control-allow-origin']]).toEqual([200, '*']);
  });
});

describe('other answers on the route', () => {
  test('no origins configured: *, without Vary, without the preflight headers', async () => {
    const reply = await call('default', { Origin: 'https://app.example.test' });
    expect([reply.headers['x-echo'], cors(reply)]).toEqual(['yes', { 'access-control-allow-origin': '*' }]);
  });

  test('one plain origin: that origin, whatever the request says', async () => {
    for (const headers of [{ Origin: 'https://other.test' }, {}] as Record<string, string>[]) {
      expect(cors(await call('one-origin', headers))).toEqual({ 'access-control-allow-origin': 'https://app.example.test', vary: 'Origin' });
    }
  });

  test('a list: exact origins, regexes by host or by scheme://host:port, default ports dropped', async () => {
    const allowed = async (origin: string) => (await call('list', { Origin: origin })).headers['access-control-allow-origin'];
    expect(await allowed('https://app.example.test')).toBe('https://app.example.test');
    expect(await allowed('https://app.example.test:443')).toBe('https://app.example.test');
    expect(await allowed('http://localhost:3000')).toBe('http://localhost:3000');
    expect(await allowed('https://api.example.org')).toBe('https://api.example.org');
    expect(await allowed('http://dev.example.test:8080')).toBe('http://dev.example.test:8080');
    // Exact and case-sensitive; a regex is anchored at both ends.
    expect(await allowed('https://APP.example.test')).toBeUndefined();
    expect(await allowed('http://localhost:3001')).toBeUndefined();
    expect(await allowed('https://api.example.org.evil.test')).toBeUndefined();
    expect(await allowed('http://dev.example.test')).toBeUndefined();
  });

  test('a list: credentials and exposed headers on every answer, Vary added to the upstream\'s', async () => {
    const reply = await call('list', { Origin: 'https://app.example.test', ...echoAnswer({ headers: [['Vary', 'Accept-Encoding']] }) });
    expect(cors(reply)).toEqual({
      'access-control-allow-origin': 'https://app.example.test',
      'access-control-allow-credentials': 'true',
      'access-control-expose-headers': 'X-Request-Id,X-Total',
      vary: 'Accept-Encoding, Origin',
    });
    const noOrigin = await call('list');
    expect(cors(noOrigin)).toEqual({ 'access-control-allow-credentials': 'true', 'access-control-expose-headers': 'X-Request-Id,X-Total', vary: 'Origin' });
  });

  test('the upstream\'s own Access-Control-Allow-Origin is replaced, or removed when the origin is not allowed', async () => {
    const upstreamSays = echoAnswer({ headers: [['Access-Control-Allow-Origin', 'https://evil.test']] });
    expect((await call('list', { Origin: 'http://localhost:3000', ...upstreamSays })).headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect((await call('list', { Origin: 'https://evil.test', ...upstreamSays })).headers['access-control-allow-origin']).toBeUndefined();
  });

  test('the wildcard with credentials echoes the Origin, since browsers refuse * with credentials', async () => {
    expect(cors(await call('wildcard-credentials', { Origin: 'https://any.test' }))).toEqual({
      'access-control-allow-origin': 'https://any.test',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
    expect(cors(await call('wildcard-credentials'))).toEqual({ 'access-control-allow-origin': '*' });
  });

  test('a * anywhere in a list allows every origin as *', async () => {
    expect(cors(await call('wildcard-listed', { Origin: 'https://a.example.test' }))).toEqual({ 'access-control-allow-origin': '*', vary: 'Origin' });
  });

  test('answers other plugins make get the headers too: 401, 429', async () => {
    const unauthorized = await call('jwt', { Origin: 'https://app.example.test' });
    expect([unauthorized.status, unauthorized.headers['access-control-allow-origin']]).toEqual([401, '*']);

    const run = { 'X-Test-Run': unique('run'), Origin: 'https://app.example.test' };
    expect((await call('rate-limited', run)).status).toBe(200);
    const limited = await call('rate-limited', run);
    expect([limited.status, limited.headers['access-control-allow-origin']]).toEqual([429, '*']);
  });

  test('Kong\'s 502 for an upstream that is down gets them too', async () => {
    const reply = await call('down', { Origin: 'https://app.example.test' });
    expect([reply.status, reply.headers['access-control-allow-origin']]).toEqual([502, '*']);
  });
});
