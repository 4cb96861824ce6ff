/**
 * The project's kong/kong.yml, service `admin` (the operators' API), in a
 * local gateway with a Lambda stand-in: key-auth, then acl allowing only the
 * group auth-admins, before anything is counted or any function runs; the
 * function learns the operator from Kong's headers, never from the client's.
 * The stack's view (real functions) is test/e2e/admin.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startGateway, type Gateway } from '../../kong/gateway';
import { deckEnv } from '../../scripts/stack/gateway';
import { admin, send, unique } from './support';

/** Records each invocation: the function, and the event's headers. */
let lambda: Server;
let gateway: Gateway;
const invoked: Array<{ fn: string; headers: Record<string, string> }> = [];

beforeAll(async () => {
  lambda = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { headers?: Record<string, string> };
      const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
      invoked.push({ fn: /\/functions\/([^/]+)\/invocations/.exec(req.url ?? '')?.[1] ?? '?', headers });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ statusCode: 200, body: '{}' }));
    });
  });
  await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
  const lambdaPort = (lambda.address() as AddressInfo).port;
  gateway = await startGateway({
    proxyPort: 0,
    adminPort: 0,
    env: {
      ...deckEnv({ lambdaPort, proxyPort: 9, sessionCacheTtlSeconds: 0, rateLimits: { public: 100, protected: 100, password: 100, introspect: 100, browser: 100 }, rateLimitPolicy: { policy: 'local' }, corsOrigins: [] }),
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
  });
});

afterAll(async () => {
  await gateway.close();
  lambda.closeAllConnections();
  await new Promise<void>((resolve) => lambda.close(() => resolve()));
});

/** A consumer with a key-auth key in `groups`: its name and key. */
async function consumer(groups: string[]) {
  const target = { ...gateway, close: gateway.close };
  const username = unique('ops');
  const made = await admin(target, 'POST', '/consumers', { username });
  for (const group of groups) await admin(target, 'POST', `/consumers/${made.body.id}/acls`, { group });
  const key = (await admin(target, 'POST', `/consumers/${made.body.id}/key-auth`, {})).body.key as string;
  return { username, key };
}

const ROUTES: Array<[string, string, string]> = [
  ['GET', '/api/admin/users?q=a', 'adminUsers'],
  ['GET', '/api/admin/users/alice', 'adminUser'],
  ['DELETE', '/api/admin/users/alice', 'adminUser'],
  ['POST', '/api/admin/disable/alice', 'adminDisable'],
  ['POST', '/api/admin/enable/alice', 'adminEnable'],
  ['POST', '/api/admin/sign-out/alice', 'adminSignOut'],
  ['GET', '/api/admin/sessions/alice', 'adminSessions'],
];

test.each(ROUTES)('%s %s: no key or an unknown one is 401, a key outside auth-admins 403, before the function runs', async (method, path) => {
  const outsider = await consumer(['token-introspection']);
  const before = invoked.length;
  expect((await send(gateway.proxyUrl, path, { method })).status).toBe(401);
  expect((await send(gateway.proxyUrl, path, { method, headers: { apikey: 'not-a-key' } })).status).toBe(401);
  // Naming the group in a header of one's own changes nothing.
  const refused = await send(gateway.proxyUrl, path, { method, headers: { apikey: outsider.key, 'X-Consumer-Groups': 'auth-admins' } });
  expect([refused.status, refused.body.message]).toEqual([403, 'You cannot consume this service']);
  expect(invoked.length).toBe(before);
});

test.each(ROUTES)('%s %s: an operator in auth-admins reaches %s, which learns who from Kong alone; the key goes no further', async (method, path, fn) => {
  const operator = await consumer(['auth-admins']);
  const reply = await send(gateway.proxyUrl, path, { method, headers: { apikey: operator.key, 'X-Consumer-Username': 'someone-else' } });
  expect(reply.status).toBe(200);
  const last = invoked[invoked.length - 1];
  expect(last.fn).toMatch(new RegExp(`-${fn}$`));
  expect(last.headers['x-consumer-username']).toBe(operator.username);
  expect(last.headers['x-consumer-groups']).toBe('auth-admins');
  expect(last.headers.apikey).toBeUndefined();
});

test('the keys travel in the header only, never in the query', async () => {
  const operator = await consumer(['auth-admins']);
  expect((await send(gateway.proxyUrl, `/api/admin/users?apikey=${operator.key}`)).status).toBe(401);
});
