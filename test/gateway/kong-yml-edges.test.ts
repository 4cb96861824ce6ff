/**
 * The project's kong/kong.yml at its edges, in local gateways with a Lambda
 * stand-in behind them: rate limits counted in one Redis server by several
 * gateways (DECK_RATE_LIMIT_POLICY=redis) or by each alone (local), which
 * routes share a count (the token service's routes do, per consumer; the
 * public routes count per address each), the
 * introspection route's limit per resource service, and cors origins as
 * decK renders DECK_CORS_ORIGINS (a list, or none). The whole stack's view
 * (real functions behind the gateway) is test/e2e/edges.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';
import { startGateway, type Gateway } from '../../kong/gateway';
import { corsDeckEnv, deckEnv } from '../../scripts/stack/gateway';
import type { RateLimitPolicy, RateLimits } from '../../scripts/stack';
import { startRedis, type RedisServer } from './redis-server';
import { admin, createClient, now, send, unique, type Reply } from './support';
import { awayFromMinuteEnd } from '../support/rate-windows';

/** Answers every invocation 200 and records which function was asked. */
let lambda: Server;
let lambdaPort: number;
const invoked: string[] = [];
beforeAll(async () => {
  lambda = createServer((req, res) => {
    invoked.push(/\/functions\/([^/]+)\/invocations/.exec(req.url ?? '')?.[1] ?? '?');
    req.resume().on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ statusCode: 200, body: 'ok' }));
    });
  });
  await new Promise<void>((resolve) => lambda.listen(0, '127.0.0.1', resolve));
  lambdaPort = (lambda.address() as AddressInfo).port;
});

const LIMITS: RateLimits = { public: 4, protected: 4, password: 4, introspect: 3, browser: 4 };

/** A local gateway reading the project's kong.yml with these settings; closed after the test file. */
const gateways: Gateway[] = [];
afterAll(async () => {
  await Promise.all(gateways.map((gateway) => gateway.close()));
  lambda.closeAllConnections();
  await new Promise<void>((resolve) => lambda.close(() => resolve()));
});
async function projectGateway(policy: RateLimitPolicy, corsOrigins: string[] = [], rateLimits: RateLimits = LIMITS): Promise<Gateway> {
  const gateway = await startGateway({
    proxyPort: 0,
    adminPort: 0,
    env: {
      ...deckEnv({ lambdaPort, proxyPort: 9, sessionCacheTtlSeconds: 0, rateLimits, rateLimitPolicy: policy, corsOrigins }),
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
    },
  });
  gateways.push(gateway);
  return gateway;
}


/**
 * Signins from one client address (a loopback address of the run's own, so
 * that the tests' counts stay apart), in turns through the gateways given.
 */
async function signinsInTurns(targets: Gateway[], count: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const reply = await send(targets[i % targets.length].proxyUrl, '/api/public/signin', { method: 'POST', body: '{}' });
    statuses.push(reply.status);
  }
  return statuses;
}

describe('rate limits as kong.yml sets them (DECK_RATE_LIMIT_POLICY)', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.close());

  test('redis: two gateways reading kong.yml share one count per client, so the limit holds across both', async () => {
    const policy: RateLimitPolicy = { policy: 'redis', host: '127.0.0.1', port: redis.port };
    const [a, b] = [await projectGateway(policy), await projectGateway(policy)];
    await awayFromMinuteEnd();
    const statuses = await signinsInTurns([a, b], 6);
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
    // The count is in Redis, under the route's id, which both gateways derive alike from kong.yml.
    const keys = await redis.client.keys('ratelimit:*:minute');
    expect(keys.length).toBeGreaterThan(0);
    await redis.client.flushall();
  });

  test('local: each gateway counts alone, so two allow twice the limit', async () => {
    const [a, b] = [await projectGateway({ policy: 'local' }), await projectGateway({ policy: 'local' })];
    await awayFromMinuteEnd();
    const statuses = await signinsInTurns([a, b], 10);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
    expect(await redis.client.keys('ratelimit:*')).toEqual([]);
  });
});

describe('which routes share a count (a limit on a Kong service counts for all its routes)', () => {
  test('token routes: one count per consumer for all of them; the password change counts apart, at its own limit', async () => {
    const gateway = await projectGateway({ policy: 'local' }, [], { ...LIMITS, protected: 4, password: 2 });
    const target = { ...gateway, close: gateway.close };
    const bearer = async () => {
      const { credential } = await createClient(target);
      return { Authorization: `Bearer ${jwt.sign({ ckey: credential.key, exp: now() + 600 }, credential.secret, { algorithm: 'HS256', noTimestamp: true })}` };
    };
    const [busy, other] = [await bearer(), await bearer()];
    await awayFromMinuteEnd();
    const calls: [string, string][] = [['GET', '/api/jwt/info'], ['GET', '/api/jwt/sessions'], ['POST', '/api/jwt/logout'], ['DELETE', '/api/jwt/sessions/x'], ['POST', '/api/jwt/logout-all']];
    const statuses = [];
    for (const [method, path] of calls) statuses.push((await send(gateway.proxyUrl, path, { method, headers: busy })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    const password = await send(gateway.proxyUrl, '/api/jwt/password', { method: 'POST', headers: busy, body: '{}' });
    expect([password.status, password.headers['x-ratelimit-limit-minute'], password.headers['x-ratelimit-remaining-minute']]).toEqual([200, '2', '1']);
    expect((await send(gateway.proxyUrl, '/api/jwt/info', { headers: other })).status).toBe(200);
  }, 30_000);

  test('per client address: each public route counts apart, as before services', async () => {
    const gateway = await projectGateway({ policy: 'local' });
    await awayFromMinuteEnd();
    const post = (path: string) => send(gateway.proxyUrl, path, { method: 'POST', body: '{}' });
    const statuses = [];
    for (let i = 0; i <= LIMITS.public; i++) statuses.push((await post('/api/public/signup')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    for (const path of ['/api/public/signin', '/api/public/refresh', '/api/session/login']) expect({ path, status: (await post(path)).status }).toEqual({ path, status: 200 });
    const jwks = await send(gateway.proxyUrl, '/.well-known/jwks.json');
    expect([jwks.status, jwks.headers['x-ratelimit-remaining-minute']]).toEqual([200, String(LIMITS.public - 1)]);
  }, 30_000);
});

describe('introspection: a limit per resource service (key-auth consumer)', () => {
  const introspect = (gateway: Gateway, apikey: string) =>
    send(gateway.proxyUrl, '/api/introspect', {
      method: 'POST',
      headers: { apikey, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'token=x',
    });
  const keyOf = async (gateway: Gateway) => {
    const consumer = await admin({ ...gateway, close: gateway.close }, 'POST', '/consumers', { username: unique('svc') });
    await admin({ ...gateway, close: gateway.close }, 'POST', `/consumers/${consumer.body.id}/acls`, { group: 'token-introspection' });
    return (await admin({ ...gateway, close: gateway.close }, 'POST', `/consumers/${consumer.body.id}/key-auth`, {})).body.key as string;
  };

  test('a service over DECK_INTROSPECT_RATE_LIMIT_PER_MINUTE gets 429; another service is not held up by it', async () => {
    const gateway = await projectGateway({ policy: 'local' });
    const [busy, other] = [await keyOf(gateway), await keyOf(gateway)];
    await awayFromMinuteEnd();
    const replies: Reply[] = [];
    for (let i = 0; i < 4; i++) replies.push(await introspect(gateway, busy));
    expect(replies.map((reply) => reply.status)).toEqual([200, 200, 200, 429]);
    expect(replies[0].headers['x-ratelimit-limit-minute']).toBe(String(LIMITS.introspect));
    expect(replies[3].body).toMatchObject({ message: 'API rate limit exceeded' });
    expect((await introspect(gateway, other)).status).toBe(200);
  });

  test('a key whose consumer is not in token-introspection gets 403 (acl) before it is counted or the function runs', async () => {
    const gateway = await projectGateway({ policy: 'local' });
    const target = { ...gateway, close: gateway.close };
    const consumer = await admin(target, 'POST', '/consumers', { username: unique('partner') });
    const apikey = (await admin(target, 'POST', `/consumers/${consumer.body.id}/key-auth`, {})).body.key as string;
    const before = invoked.length;
    const reply = await introspect(gateway, apikey);
    expect([reply.status, reply.body.message]).toEqual([403, 'You cannot consume this service']);
    expect(reply.headers['x-ratelimit-limit-minute']).toBeUndefined();
    expect(invoked.length).toBe(before);
  });

  test('without a valid key the request is refused before it is counted or the function runs', async () => {
    const gateway = await projectGateway({ policy: 'local' });
    const before = invoked.length;
    const reply = await introspect(gateway, 'not-a-key');
    expect(reply.status).toBe(401);
    expect(reply.headers['x-ratelimit-limit-minute']).toBeUndefined();
    expect(invoked.length).toBe(before);
  });
});

describe('cors origins from DECK_CORS_ORIGINS, as decK renders them', () => {
  const preflight = (gateway: Gateway, path: string, origin: string) =>
    send(gateway.proxyUrl, path, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
    });

  test('a list: each listed origin is allowed by name, anything else is not', async () => {
    const gateway = await projectGateway({ policy: 'local' }, ['https://app.example.test', 'http://localhost:5173']);
    for (const origin of ['https://app.example.test', 'http://localhost:5173']) {
      const reply = await preflight(gateway, '/api/session/login', origin);
      expect(reply.status).toBe(200);
      expect(reply.headers).toMatchObject({ 'access-control-allow-origin': origin, 'access-control-allow-credentials': 'true' });
    }
    const other = await preflight(gateway, '/api/session/login', 'https://evil.example.test');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('none (empty): no origin is allowed, and never `*`, although Kong reads an empty list as any origin', async () => {
    const gateway = await projectGateway({ policy: 'local' }, []);
    const before = invoked.length;
    for (const path of ['/api/public/signin', '/api/session/login', '/api/userprofile']) {
      const reply = await preflight(gateway, path, 'https://evil.example.test');
      expect({ path, status: reply.status, allowOrigin: reply.headers['access-control-allow-origin'] }).toEqual({ path, status: 200, allowOrigin: undefined });
      const actual = await send(gateway.proxyUrl, '/api/public/signin', { method: 'POST', headers: { Origin: 'https://evil.example.test' }, body: '{}' });
      expect(actual.headers['access-control-allow-origin']).toBeUndefined();
    }
    // Preflights are answered by the gateway: only the three actual requests reached a function.
    expect(invoked.length - before).toBe(3);
  });

  test('origins that would change the YAML, or be regexes to Kong, are refused before they reach kong.yml', () => {
    for (const bad of ['*', 'https://a.test]', 'https://a.test/path', 'app.example.test', 'https://App.test']) {
      expect(() => corsDeckEnv([bad])).toThrow(/is not an origin as browsers send it/);
    }
  });
});
