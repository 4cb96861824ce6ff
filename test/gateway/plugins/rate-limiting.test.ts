/** kong.yml's rate limit on the public routes: per client address, per minute. */
import { send, startTarget, type Reply, type Target } from '../support';

let target: Target;
beforeAll(async () => {
  target = await startTarget({ rateLimitPerMinute: 3 });
});
afterAll(() => target.close());

const signin = () => send(target.proxyUrl, '/api/public/signin', { method: 'POST', body: '{}' });

/** The counters are per calendar minute: start a burst early enough in one. */
async function atStartOfMinute(): Promise<void> {
  const second = new Date().getUTCSeconds();
  if (second > 50) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
}

test('requests over the limit get 429 with Kong\'s body and headers', async () => {
  await atStartOfMinute();
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
