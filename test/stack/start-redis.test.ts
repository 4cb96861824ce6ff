/**
 * `npm start` with RATE_LIMIT_POLICY=redis: it runs a Redis server of its own
 * on REDIS_PORT, the gateway counts kong.yml's rate limits there, and the
 * Redis server stops with the stack. Also as behind a load balancer on this
 * machine: Kong's trusted_ips settings reach the gateway, which then counts
 * the client the balancer names.
 */
import Redis from 'ioredis';
import { assertPortFree, freePorts, request } from '../../scripts/stack';
import { descendants, runStart, survivors, type StartedStack } from '../support/start-command';

const START_TIMEOUT_MS = 65_000;

describe('npm start with RATE_LIMIT_POLICY=redis', () => {
  let started: StartedStack;
  let redisPort: number;
  let redis: Redis;

  beforeAll(async () => {
    [redisPort] = await freePorts(1);
    started = await runStart({
      env: {
        RATE_LIMIT_POLICY: 'redis',
        REDIS_PORT: String(redisPort),
        KONG_TRUSTED_IPS: '127.0.0.1',
        KONG_REAL_IP_HEADER: 'X-Forwarded-For',
        KONG_REAL_IP_RECURSIVE: 'on',
      },
    });
    redis = new Redis({ host: '127.0.0.1', port: redisPort, lazyConnect: true });
    await redis.connect();
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    redis?.disconnect();
    await started?.cleanUp();
  });

  it('names its Redis server in the ready line', () => {
    expect(started.readyLine).toContain(`Redis redis://127.0.0.1:${redisPort}`);
  });

  it("counts kong.yml's rate limits in that Redis server", async () => {
    const signin = await request(`http://127.0.0.1:${started.ports.KONG_PROXY_PORT}/api/public/signin`, {
      body: { username: 'nobody-here', password: 'not the password at all' },
    });
    expect(signin.status).toBe(401);
    expect(signin.headers.get('x-ratelimit-limit-minute')).toBe('60');
    const keys = await redis.keys('ratelimit:*:127.0.0.1:*');
    expect(keys.length).toBeGreaterThan(0);
  });

  it('behind a trusted balancer, counts the client it names, not the balancer', async () => {
    const signin = await request(`http://127.0.0.1:${started.ports.KONG_PROXY_PORT}/api/public/signin`, {
      body: { username: 'nobody-here', password: 'not the password at all' },
      headers: { 'X-Forwarded-For': '203.0.113.7' },
    });
    expect(signin.status).toBe(401);
    expect(await redis.keys('ratelimit:*:203.0.113.7:*')).not.toEqual([]);
  });

  it('stops the Redis server with the stack', async () => {
    const running = await descendants(started.child.pid!);
    expect(running.some((process) => process.args.includes('redis-server'))).toBe(true);
    redis.disconnect();
    started.child.kill('SIGTERM');
    await started.exited;
    expect(await survivors(running)).toEqual([]);
    await expect(assertPortFree(redisPort, 'REDIS_PORT')).resolves.toBeUndefined();
  });
});
