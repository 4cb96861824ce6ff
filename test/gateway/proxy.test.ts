/** Routing as kong.yml declares it, and what the upstream receives. */
import { REQUEST_ID, send, startTarget, type Echoed, type Target } from './support';

let target: Target;
beforeAll(async () => {
  target = await startTarget();
});
afterAll(() => target.close());

const post = (path: string, headers: Record<string, string> = {}) => send(target.proxyUrl, path, { method: 'POST', headers, body: '{}' });

test('no matching route: 404 with Kong\'s message and the request id', async () => {
  for (const [method, path] of [['GET', '/'], ['GET', '/api/publicity'], ['POST', '/api/public'], ['GET', '/api/public/signin']]) {
    const reply = await send(target.proxyUrl, path, { method });
    expect([method, path, reply.status, reply.body]).toEqual([
      method, path, 404, { message: 'no Route matched with those values', request_id: expect.stringMatching(REQUEST_ID) },
    ]);
    expect(reply.headers['x-kong-request-id']).toBe(reply.body.request_id);
  }
});

test('a public route forwards the whole path and query (strip_path: false)', async () => {
  const reply = await post('/api/public/signup?source=test&x=a%20b');
  expect(reply.status).toBe(200);
  expect(reply.headers['x-echo']).toBe('yes');
  expect(reply.body).toMatchObject({ method: 'POST', url: '/api/public/signup?source=test&x=a%20b' });
});

test('paths are matched after normalization, so dot segments cannot dodge the jwt plugin', async () => {
  for (const path of ['/api/public/../jwt/info', '/api/%6Awt/info', '/api//jwt/info']) {
    const reply = await post(path);
    expect([path, reply.status, reply.body]).toEqual([path, 401, { message: 'Unauthorized' }]);
  }
  const normalized = await post('/api/public/./signin');
  expect(normalized.body.url).toBe('/api/public/signin');
});

test('the upstream gets Kong\'s forwarding headers, not the client\'s Host', async () => {
  const reply = await post('/api/public/signin?x=1', { 'X-Forwarded-For': '203.0.113.7', Host: 'gateway.example' });
  const { headers } = reply.body as Echoed;
  expect(headers['x-forwarded-for']).toMatch(/^203\.0\.113\.7, \S+$/);
  expect(headers['x-real-ip']).toBe(headers['x-forwarded-for']!.toString().split(', ')[1]);
  expect(headers).toMatchObject({
    'x-forwarded-proto': 'http',
    'x-forwarded-host': 'gateway.example',
    'x-forwarded-path': '/api/public/signin',
    'x-kong-request-id': reply.headers['x-kong-request-id'],
  });
  expect(headers.host).not.toBe('gateway.example');
});
