/**
 * The project's kong/kong.yml on the cookie routes (issue 22 item 4), in a
 * local gateway with the functions played by a Lambda stand-in: a flood of
 * made-up session cookies meets 429 before it costs identity provider calls
 * (rate-limiting per client address on the services pages, userprofile and
 * userprofile-pages and the route session-logout, run before forward-auth),
 * and /api/session/authenticate answers the gateway's forward-auth only
 * (key-auth and acl, the consumer forward-auth with DECK_FORWARD_AUTH_KEY).
 * The whole stack: test/e2e/cookie-rate-limits.test.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Gateway } from '../../kong/gateway';
import { send, startProjectGateway, type FunctionCall, type ProjectGateway } from './support';
import { awayFromMinuteEnd } from '../support/rate-windows';

/** DECK_BROWSER_RATE_LIMIT_PER_MINUTE here: low, so a flood is a few requests. */
const BROWSER_LIMIT = 5;
const KEY = randomBytes(32).toString('base64url');

let project: ProjectGateway;
let gateway: Gateway;
let invoked: FunctionCall[];
beforeAll(async () => {
  // No session is known: the identity provider refuses every cookie, as it would a made-up one.
  project = await startProjectGateway(
    (name) => (name === 'sessionAuthenticate' ? { statusCode: 401, body: '{"code":"login_required"}' } : { statusCode: 200, body: '{}' }),
    { rateLimits: { public: 1000, protected: 1000, password: 1000, introspect: 1000, browser: BROWSER_LIMIT }, forwardAuthKey: KEY },
  );
  ({ gateway, invoked } = project);
});
afterAll(() => project?.close());

/** A well-formed session cookie nobody was given: the shape check lets it through to the identity provider. */
const madeUp = () => `JSESSIONID=eve.${randomBytes(32).toString('base64url')}`;

async function counting<T>(block: () => Promise<T>): Promise<{ result: T; asked: number; functions: string[] }> {
  const before = invoked.length;
  const result = await block();
  const calls = invoked.slice(before);
  return { result, asked: calls.filter((c) => c.name === 'sessionAuthenticate').length, functions: calls.map((c) => c.name) };
}


async function flood(count: number, request: (i: number) => Promise<{ status: number }>): Promise<number[]> {
  await awayFromMinuteEnd();
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push((await request(i)).status);
  return statuses;
}

const refusedThenLimited = (first: number, status: number, total: number) => [...Array(first).fill(status), ...Array(total - first).fill(429)];

describe('a flood of made-up session cookies', () => {
  test('on the profile API (GET, POST, PUT: one count per address) meets 429; the identity provider is asked only within the limit', async () => {
    const methods = ['GET', 'POST', 'PUT'];
    const { result, asked, functions } = await counting(() =>
      flood(12, (i) => send(gateway.proxyUrl, '/api/userprofile', { method: methods[i % 3], headers: { Cookie: madeUp(), 'Content-Type': 'application/json' }, body: i % 3 ? '{}' : undefined })),
    );
    expect(result).toEqual(refusedThenLimited(BROWSER_LIMIT, 401, 12));
    // Each one asked reached the sessionAuthenticate function: forward-auth's key opened key-auth there.
    expect([asked, functions.filter((name) => name !== 'sessionAuthenticate')]).toEqual([BROWSER_LIMIT, []]);
    const limited = await send(gateway.proxyUrl, '/api/userprofile', { headers: { Cookie: madeUp() } });
    expect([limited.status, Number(limited.headers['retry-after']) > 0]).toEqual([429, true]);
  });

  test('on /profile (browsers: redirected to sign in) meets 429 the same way', async () => {
    const { result, asked } = await counting(() => flood(8, () => send(gateway.proxyUrl, '/profile', { headers: { Cookie: madeUp(), Accept: 'text/html' } })));
    expect(result).toEqual(refusedThenLimited(BROWSER_LIMIT, 302, 8));
    expect(asked).toBe(BROWSER_LIMIT);
  });
});

test('the pages and assets share one count per address; the health check keeps its own limit', async () => {
  const paths = ['/signin', '/register', '/assets/app.js', '/assets/app.css'];
  const { result, functions } = await counting(() => flood(8, (i) => send(gateway.proxyUrl, paths[i % 4])));
  expect(result).toEqual(refusedThenLimited(BROWSER_LIMIT, 200, 8));
  expect(functions).toHaveLength(BROWSER_LIMIT);
  expect((await send(gateway.proxyUrl, '/api/public/health')).status).toBe(200);
});

test('the browser logout meets 429 past the limit', async () => {
  const { result, functions } = await counting(() => flood(7, () => send(gateway.proxyUrl, '/api/session/logout', { method: 'POST', headers: { Cookie: madeUp() } })));
  expect(result).toEqual(refusedThenLimited(BROWSER_LIMIT, 200, 7));
  expect(functions).toEqual(Array(BROWSER_LIMIT).fill('sessionLogout'));
});

describe('/api/session/authenticate answers the gateway only', () => {
  test.each([
    ['without a key', {}, 'No API key found in request'],
    ['with a made-up key', { apikey: 'made-up' }, 'Unauthorized'],
  ])('%s: Kong\'s 401, the function never asked', async (_, headers: Record<string, string>, message) => {
    const { result, functions } = await counting(() => send(gateway.proxyUrl, '/api/session/authenticate', { headers: { Cookie: madeUp(), ...headers } }));
    expect([result.status, result.body?.message, functions]).toEqual([401, message, []]);
  });

  test('with another consumer\'s key (a resource service\'s): 403', async () => {
    expect((await send(gateway.adminUrl, '/consumers', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'resource-service' }) })).status).toBe(201);
    expect((await send(gateway.adminUrl, '/consumers/resource-service/key-auth', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key: 'resource-key' }) })).status).toBe(201);
    const { result, functions } = await counting(() => send(gateway.proxyUrl, '/api/session/authenticate', { headers: { Cookie: madeUp(), apikey: 'resource-key' } }));
    expect([result.status, result.body?.message, functions]).toEqual([403, 'You cannot consume this service', []]);
  });

  test('with the gateway\'s key (DECK_FORWARD_AUTH_KEY): the function, without the key', async () => {
    const { result, functions } = await counting(() => send(gateway.proxyUrl, '/api/session/authenticate', { headers: { Cookie: madeUp(), apikey: KEY } }));
    expect([result.status, functions]).toEqual([401, ['sessionAuthenticate']]);
    expect(JSON.stringify(invoked.at(-1)!.event)).not.toContain(KEY);
  });

});
