/**
 * Plugins on services, as kong/kong.yml attaches them (one service per
 * audience): Kong's precedence (kong/runloop/plugins_iterator.lua, lookup_cfg:
 * route, then service, then global; the most specific instance of a name is
 * the only one that runs, its config never merged with another's) and
 * rate-limiting's counters at service scope (policies/init.lua,
 * get_local_key: `ratelimit:<route id>:<service id>:…` of the entity the
 * plugin instance is attached to, so a service's counter is one count for
 * all its routes). Routes: test/gateway/fixtures/service-plugins.kong.yml.
 *
 * Against real Kong (see support.ts), also set GATEWAY_REDIS_PORT (and
 * GATEWAY_REDIS_BIND if Kong reaches this machine on another address than
 * 127.0.0.1) and sync the fixture first:
 *   DECK_ECHO_URL=http://<this machine>:$GATEWAY_ECHO_PORT DECK_REDIS_HOST=<this machine> \
 *   DECK_REDIS_PORT=$GATEWAY_REDIS_PORT deck gateway sync test/gateway/fixtures/service-plugins.kong.yml
 */
import path from 'node:path';
import { startRedis, type RedisServer } from './redis-server';
import { REMOTE, send, startEchoFixtureTarget, unique, type Reply, type Target } from './support';

const FIXTURE = path.resolve(__dirname, 'fixtures', 'service-plugins.kong.yml');
const NONE = '00000000-0000-0000-0000-000000000000';
const SHARED_SERVICE = '5e1f0c2a-7b3d-4e8f-9a10-2b3c4d5e6f70';
const OWN_ROUTE = '5e1f0c2a-7b3d-4e8f-9a10-2b3c4d5e6f73';
const ALIAS_ROUTES = ['5e1f0c2a-7b3d-4e8f-9a10-2b3c4d5e6f74', '5e1f0c2a-7b3d-4e8f-9a10-2b3c4d5e6f75'];
const OTHER_SERVICE = '5e1f0c2a-7b3d-4e8f-9a10-2b3c4d5e6f76';

let redis: RedisServer;
let target: Target;
beforeAll(async () => {
  if (REMOTE && !process.env.GATEWAY_REDIS_PORT) throw new Error('GATEWAY_REDIS_PORT must name the port the fixture\'s DECK_REDIS_PORT points at');
  redis = await startRedis(REMOTE ? Number(process.env.GATEWAY_REDIS_PORT) : undefined, process.env.GATEWAY_REDIS_BIND);
  target = await startEchoFixtureTarget(FIXTURE, { DECK_REDIS_HOST: '127.0.0.1', DECK_REDIS_PORT: String(redis.port) });
});
afterAll(async () => {
  await target?.close();
  await redis?.close();
});

/** The counts are per calendar hour: keep a test's requests inside one. */
beforeEach(async () => {
  const now = new Date();
  if (now.getUTCMinutes() === 59 && now.getUTCSeconds() > 50) await new Promise((resolve) => setTimeout(resolve, (61 - now.getUTCSeconds()) * 1000));
});

const get = (route: string, run: string, headers: Record<string, string> = {}) =>
  send(target.proxyUrl, route, { headers: { 'X-Test-Run': run, ...headers } });
const limited = (reply: Reply) => [reply.status, reply.headers['x-ratelimit-limit-hour'], reply.headers['x-ratelimit-remaining-hour']];
/** The hour counters of one run, as `<route id>:<service id>` = count. */
async function counters(run: string): Promise<Record<string, string>> {
  const keys = (await redis.client.keys(`ratelimit:*:${run}:*:hour`)).sort();
  const values = await Promise.all(keys.map((key) => redis.client.get(key)));
  return Object.fromEntries(keys.map((key, i) => [key.split(':').slice(1, 3).join(':'), values[i]!]));
}

test('a service\'s rate-limiting is one count for all its routes, kept under the service\'s id', async () => {
  const run = unique('run');
  expect(limited(await get('/sp/a', run))).toEqual([200, '3', '2']);
  expect(limited(await get('/sp/b', run))).toEqual([200, '3', '1']);
  expect(limited(await get('/sp/a', run))).toEqual([200, '3', '0']);
  expect((await get('/sp/b', run)).status).toBe(429);
  expect(await counters(run)).toEqual({ [`${NONE}:${SHARED_SERVICE}`]: '4' });
}, 30_000);

test('another service with the same config counts apart', async () => {
  const run = unique('run');
  for (let i = 0; i < 3; i++) await get('/sp/a', run);
  expect((await get('/sp/a', run)).status).toBe(429);
  expect(limited(await get('/sp/c', run))).toEqual([200, '3', '2']);
  expect(await counters(run)).toEqual({ [`${NONE}:${SHARED_SERVICE}`]: '4', [`${NONE}:${OTHER_SERVICE}`]: '1' });
}, 30_000);

test('a route\'s own plugin replaces the service\'s entirely: its limit, its count, its cors', async () => {
  const run = unique('run');
  expect(limited(await get('/sp/own', run))).toEqual([200, '5', '4']);
  // The route's requests are not in the service's count, nor the service's in the route's.
  expect(limited(await get('/sp/a', run))).toEqual([200, '3', '2']);
  expect(limited(await get('/sp/own', run))).toEqual([200, '5', '3']);
  expect(await counters(run)).toEqual({ [`${NONE}:${SHARED_SERVICE}`]: '1', [`${OWN_ROUTE}:${NONE}`]: '2' });

  // cors: the route's origins only, and none of the service's settings (exposed headers).
  const fromRoute = await get('/sp/own', run, { Origin: 'https://route.example.test' });
  expect(fromRoute.headers['access-control-allow-origin']).toBe('https://route.example.test');
  expect(fromRoute.headers['access-control-expose-headers']).toBeUndefined();
  expect((await get('/sp/own', run, { Origin: 'https://service.example.test' })).headers['access-control-allow-origin']).toBeUndefined();
  const fromService = await get('/sp/b', run, { Origin: 'https://service.example.test' });
  expect([fromService.headers['access-control-allow-origin'], fromService.headers['access-control-expose-headers']]).toEqual(['https://service.example.test', 'X-Echo']);
}, 30_000);

test('without a plugin on the route or its service, the global one applies, counted under no entity', async () => {
  const run = unique('run');
  expect(limited(await get('/sp/global', run))).toEqual([200, '1000', '999']);
  expect(await counters(run)).toEqual({ [`${NONE}:${NONE}`]: '1' });
});

test('one plugin repeated by a YAML alias on two routes is a plugin of each: counted apart', async () => {
  const run = unique('run');
  expect(limited(await get('/sp/alias-1', run))).toEqual([200, '2', '1']);
  expect(limited(await get('/sp/alias-1', run))).toEqual([200, '2', '0']);
  expect((await get('/sp/alias-1', run)).status).toBe(429);
  expect(limited(await get('/sp/alias-2', run))).toEqual([200, '2', '1']);
  expect(await counters(run)).toEqual({ [`${ALIAS_ROUTES[0]}:${NONE}`]: '3', [`${ALIAS_ROUTES[1]}:${NONE}`]: '1' });
}, 30_000);
