/**
 * Rate limiting: kong.yml's limit on the public routes (per client address,
 * per minute), then the redis policy and per-consumer limits on the routes of
 * test/gateway/fixtures/rate-limiting.kong.yml, against a Redis server the
 * test starts (test/gateway/redis-server.ts).
 *
 * Against real Kong (see support.ts), also set GATEWAY_REDIS_PORT (the test
 * starts redis-server there; GATEWAY_REDIS_BIND if Kong reaches this machine
 * on another address than 127.0.0.1) and sync the fixture first:
 *   DECK_ECHO_URL=http://<this machine>:$GATEWAY_ECHO_PORT DECK_REDIS_HOST=<this machine> \
 *   DECK_REDIS_PORT=$GATEWAY_REDIS_PORT DECK_REDIS_CLOSED_PORT=1 \
 *   deck gateway sync test/gateway/fixtures/rate-limiting.kong.yml
 * The test also starts a local gateway on the same Redis, to show that it and
 * Kong share one count.
 */
import path from 'node:path';
import { startGateway } from '../../../kong/gateway';
import { startRedis, type RedisServer } from '../redis-server';
import { admin, closedUrl, REMOTE, send, startEcho, startEchoFixtureTarget, startTarget, unique, type Echo, type Reply, type Target } from '../support';
import { awayFromMinuteEnd } from '../../support/rate-windows';

let target: Target;
beforeAll(async () => {
  target = await startTarget({ rateLimitPerMinute: 3 });
});
afterAll(() => target.close());

const signin = () => send(target.proxyUrl, '/api/public/signin', { method: 'POST', body: '{}' });


test('requests over the limit get 429 with Kong\'s body and headers', async () => {
  await awayFromMinuteEnd();
  const first = await signin();
  expect(first.status).toBe(200);
  const limit = Number(first.headers['x-ratelimit-limit-minute']);
  expect(limit).toBeGreaterThan(0);
  const remaining = Number(first.headers['x-ratelimit-remaining-minute']);
  expect(first.headers).toMatchObject({
    'ratelimit-limit': String(limit),
    'ratelimit-remaining': String(remaining),
  });
  const reset = Number(first.headers['ratelimit-reset']);
  expect(reset).toBeGreaterThanOrEqual(1);
  expect(reset).toBeLessThanOrEqual(60);

  const replies: Reply[] = [];
  for (let i = 0; i < remaining; i++) replies.push(await signin());
  expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
  expect(replies.map((r) => Number(r.headers['x-ratelimit-remaining-minute']))).toEqual(
    replies.map((_, i) => remaining - 1 - i),
  );

  const refused = await signin();
  expect(refused.status).toBe(429);
  expect(refused.body).toEqual({ message: 'API rate limit exceeded', request_id: refused.headers['x-kong-request-id'] });
  expect(refused.headers).toMatchObject({
    'x-ratelimit-limit-minute': String(limit),
    'x-ratelimit-remaining-minute': '0',
    'ratelimit-remaining': '0',
  });
  expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  expect(refused.headers['retry-after']).toBe(refused.headers['ratelimit-reset']);
}, 30_000); // may first wait for the next minute

test('the protected route is not rate limited', async () => {
  const reply = await send(target.proxyUrl, '/api/jwt/info');
  expect(reply.status).toBe(401);
  expect(reply.headers['x-ratelimit-limit-minute']).toBeUndefined();
});

describe('the redis policy and per-consumer limits', () => {
  const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'rate-limiting.kong.yml');
  const REDIS_ROUTE = '0b6f4a8e-3c1d-4d2a-9e57-8a1f2c3d4e51';
  const SHORTHAND_ROUTE = '0b6f4a8e-3c1d-4d2a-9e57-8a1f2c3d4e52';
  const NO_SERVICE = '00000000-0000-0000-0000-000000000000';

  let redis: RedisServer;
  let fixture: Target;
  let env: Record<string, string>;
  beforeAll(async () => {
    if (REMOTE && !process.env.GATEWAY_REDIS_PORT) throw new Error('GATEWAY_REDIS_PORT must name the port the fixture\'s DECK_REDIS_PORT points at');
    redis = await startRedis(REMOTE ? Number(process.env.GATEWAY_REDIS_PORT) : undefined, process.env.GATEWAY_REDIS_BIND);
    env = { DECK_REDIS_HOST: '127.0.0.1', DECK_REDIS_PORT: String(redis.port), DECK_REDIS_CLOSED_PORT: new URL(await closedUrl()).port };
    fixture = await startEchoFixtureTarget(FIXTURE, env);
  });
  afterAll(async () => {
    await fixture?.close();
    await redis?.close();
  });

  const counted = (target: Target, run: string) => send(target.proxyUrl, '/rl/redis', { headers: { 'X-Test-Run': run } });
  const remainingMinute = (reply: Reply) => [reply.status, reply.headers['x-ratelimit-remaining-minute']];
  /** The Redis keys of one identifier on the redis route. */
  const keysOf = async (run: string) => (await redis.client.keys(`ratelimit:${REDIS_ROUTE}:*`)).filter((key) => key.includes(`:${run}:`)).sort();

  test('counts in Redis under Kong\'s key names, each expiring with its window', async () => {
    await awayFromMinuteEnd();
    const run = unique('run');
    const reply = await counted(fixture, run);
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({ 'x-ratelimit-remaining-minute': '2', 'x-ratelimit-remaining-hour': '99' });

    const keys = await keysOf(run);
    const pattern = new RegExp(`^ratelimit:${REDIS_ROUTE}:${NO_SERVICE}:${run}:(\\d+):(hour|minute)$`);
    expect(keys.map((key) => pattern.exec(key)?.[2])).toEqual(['hour', 'minute']);
    const [hourStart, minuteStart] = keys.map((key) => Number(pattern.exec(key)![1]));
    expect([hourStart % 3_600_000, minuteStart % 60_000]).toEqual([0, 0]);
    expect(Math.abs(Date.now() - minuteStart)).toBeLessThan(120_000);
    expect(await Promise.all(keys.map((key) => redis.client.get(key)))).toEqual(['1', '1']);
    // The expiry is the whole window length, set by the first count.
    const [hourTtl, minuteTtl] = await Promise.all(keys.map((key) => redis.client.ttl(key)));
    expect(minuteTtl).toBeGreaterThan(0);
    expect(minuteTtl).toBeLessThanOrEqual(60);
    expect(hourTtl).toBeGreaterThan(60);
    expect(hourTtl).toBeLessThanOrEqual(3600);
  }, 30_000);

  test('two gateways on one Redis share one count, refused requests included', async () => {
    await awayFromMinuteEnd();
    // Another gateway, in this process, reading the same file and counting in the same Redis.
    const echo: Echo = await startEcho();
    const other: Target = await startGateway({ configPath: FIXTURE, proxyPort: 0, adminPort: 0, env: { ...env, DECK_ECHO_URL: echo.url } });
    try {
      const run = unique('run');
      expect(remainingMinute(await counted(fixture, run))).toEqual([200, '2']);
      expect(remainingMinute(await counted(other, run))).toEqual([200, '1']);
      expect(remainingMinute(await counted(fixture, run))).toEqual([200, '0']);
      const refused = await counted(other, run);
      expect(refused.status).toBe(429);
      // Kong's redis policy counts when it reads the usage: the refused request counted too.
      const minuteKey = (await keysOf(run)).find((key) => key.endsWith(':minute'))!;
      expect(await redis.client.get(minuteKey)).toBe('4');
    } finally {
      await other.close();
      await echo.close();
    }
  }, 30_000);

  test('the redis_* fields configure Redis as the redis record does; limit_by consumer without one counts by address', async () => {
    const reply = await send(fixture.proxyUrl, '/rl/redis-shorthand');
    expect([reply.status, reply.headers['x-ratelimit-limit-minute']]).toEqual([200, '1000']);
    const keys = await redis.client.keys(`ratelimit:${SHORTHAND_ROUTE}:${NO_SERVICE}:*:minute`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) expect(key.split(':').slice(3, -2).join(':')).toMatch(/^[0-9a-f.:]+$/);
  });

  test('Redis unreachable: fault_tolerant lets requests through uncounted, otherwise 500', async () => {
    const tolerant = await send(fixture.proxyUrl, '/rl/redis-down');
    expect(tolerant.status).toBe(200);
    expect(tolerant.headers['x-ratelimit-limit-minute']).toBeUndefined();
    const strict = await send(fixture.proxyUrl, '/rl/redis-down-strict');
    expect([strict.status, strict.body.message]).toEqual([500, 'An unexpected error occurred']);
  });

  test('limit_by consumer: each authenticated consumer has its own count', async () => {
    const keyOf = async () => {
      const consumer = await admin(fixture, 'POST', '/consumers', { username: unique('limited') });
      return (await admin(fixture, 'POST', `/consumers/${consumer.body.id}/key-auth`, {})).body.key as string;
    };
    const [first, second] = [await keyOf(), await keyOf()];
    await awayFromMinuteEnd();
    const as = (key: string) => send(fixture.proxyUrl, '/rl/consumer', { headers: { apikey: key } });
    expect([(await as(first)).status, (await as(first)).status, (await as(first)).status]).toEqual([200, 200, 429]);
    expect((await as(second)).status).toBe(200);
  }, 30_000);
});
