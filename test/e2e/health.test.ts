/**
 * GET /api/public/health through the gateway: on the suite's stack, where
 * everything answers, and on a stack of its own whose functions are given a
 * Kong Admin API that takes connections and never answers. (DynamoDB stopped
 * or frozen: test/e2e/dependencies.test.ts.)
 */
import net, { type AddressInfo } from 'node:net';
import type { Stack } from '../../scripts/stack';
import { client } from '../support/flow';
import { startPrivateStack } from '../support/stack';

it('answers 200 {"status":"ok"}, never cached, rate-limited per client like the other public routes', async () => {
  const health = await client(process.env.PROXY_URL!).health();
  expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
  expect(health.headers.get('cache-control')).toBe('no-store');
  expect(Number(health.headers.get('x-ratelimit-limit-minute'))).toBeGreaterThan(0);
});

it('is GET only: any other method finds no route', async () => {
  expect((await fetch(`${process.env.PROXY_URL}/api/public/health`, { method: 'POST' })).status).toBe(404);
});

describe('when the functions cannot reach the Kong Admin API', () => {
  let stack: Stack;
  const sockets = new Set<net.Socket>();
  const silentAdmin = net.createServer((socket) => void sockets.add(socket));

  beforeAll(async () => {
    await new Promise<void>((resolve) => silentAdmin.listen(0, '127.0.0.1', resolve));
    const { port } = silentAdmin.address() as AddressInfo;
    stack = await startPrivateStack({ env: { KONG_ADMIN_URL: `http://127.0.0.1:${port}` } });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    sockets.forEach((socket) => socket.destroy());
    await new Promise((resolve) => silentAdmin.close(resolve));
  });

  it('answers 503 naming kong, and nothing else, with Retry-After', async () => {
    const health = await client(stack.urls.proxy).health();
    expect(health.status).toBe(503);
    expect(health.body).toEqual({ code: 'temporarily_unavailable', message: 'Service temporarily unavailable, please retry', failed: ['kong'] });
    expect(health.headers.get('retry-after')).toBe('5');
    expect(health.headers.get('cache-control')).toBe('no-store');
    // The health function did call the Admin API it was given, and gave up on it.
    expect(sockets.size).toBeGreaterThan(0);
  });
});
