/** Routing as kong.yml declares it, and what the upstream receives. */
import { echoAnswer, REQUEST_ID, send, startTarget, type Echoed, type Target } from './support';

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

describe('answers Kong makes itself', () => {
  const notFound = (accept?: string, method = 'GET') =>
    send(target.proxyUrl, '/no-such-route', { method, headers: accept === undefined ? {} : { Accept: accept } });

  test('kong.response.error bodies follow Accept: JSON by default, then text, HTML, XML', async () => {
    const json = await notFound();
    const id = json.headers['x-kong-request-id'];
    expect([json.headers['content-type'], json.text]).toEqual([
      'application/json; charset=utf-8', `{\n  "message":"no Route matched with those values",\n  "request_id":"${id}"\n}`,
    ]);
    const text = await notFound('text/plain');
    expect([text.headers['content-type'], text.text]).toEqual([
      'text/plain; charset=utf-8', `no Route matched with those values\nrequest_id: ${text.headers['x-kong-request-id']}\n`,
    ]);
    const html = await notFound('text/html');
    expect(html.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(html.text).toContain(`<p>no Route matched with those values.</p>\n    <p>request_id: ${html.headers['x-kong-request-id']}</p>`);
    const xml = await notFound('application/xml');
    expect(xml.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(xml.text).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<error>\n  <message>no Route matched with those values</message>\n  <requestid>${xml.headers['x-kong-request-id']}</requestid>\n</error>\n`,
    );
    expect(Number(json.headers['content-length'])).toBe(Buffer.byteLength(json.text));
  });

  test('Accept negotiation: highest q first, wildcards, unknown types and text/xml give JSON', async () => {
    const cases: [string, string][] = [
      ['text/html;q=0.5, text/plain;q=0.9', 'text/plain; charset=utf-8'],
      ['text/plain;q=0.9, text/html;q=0.9', 'text/plain; charset=utf-8'],
      ['text/*', 'text/plain; charset=utf-8'],
      ['application/*', 'application/json; charset=utf-8'],
      ['*/*', 'application/json; charset=utf-8'],
      ['image/png', 'application/json; charset=utf-8'],
      ['text/xml', 'application/json; charset=utf-8'],
      ['text/html;q=0, text/plain;q=0.1', 'text/plain; charset=utf-8'],
      ['text/html;q=0.5;level=1, application/xml;q=0.4', 'text/html; charset=utf-8'],
    ];
    for (const [accept, contentType] of cases) {
      expect([accept, (await notFound(accept)).headers['content-type']]).toEqual([accept, contentType]);
    }
  });

  test('HEAD gets the headers without a body', async () => {
    const reply = await notFound(undefined, 'HEAD');
    expect([reply.status, reply.text]).toEqual([404, '']);
  });

  test('Kong-made answers carry Server and X-Kong-Response-Latency', async () => {
    for (const reply of [await notFound(), await send(target.proxyUrl, '/api/jwt/info')]) {
      expect(reply.headers.server).toBe('kong/3.9.3');
      expect(reply.headers['x-kong-response-latency']).toMatch(/^\d+$/);
      expect(reply.headers['x-kong-request-id']).toMatch(REQUEST_ID);
      expect(reply.headers.via).toBeUndefined();
    }
  });
});

describe('headers Kong adds by default', () => {
  const LATENCY = /^\d+$/;

  test('a proxied answer: Via, Server when the upstream sent none, upstream and proxy latency', async () => {
    const reply = await post('/api/public/signin');
    expect(reply.status).toBe(200);
    expect(reply.headers).toMatchObject({
      via: '1.1 kong/3.9.3',
      server: 'kong/3.9.3',
      'x-kong-upstream-latency': expect.stringMatching(LATENCY),
      'x-kong-proxy-latency': expect.stringMatching(LATENCY),
      'x-kong-request-id': expect.stringMatching(REQUEST_ID),
    });
    expect(reply.headers['x-kong-response-latency']).toBeUndefined();
  });

  test('the upstream\'s Server is kept and Kong\'s Via goes after the upstream\'s', async () => {
    const reply = await post('/api/public/signin', echoAnswer({ headers: [['Server', 'demo/1.0'], ['Via', '1.0 cache']] }));
    expect(reply.headers).toMatchObject({ server: 'demo/1.0', via: '1.0 cache, 1.1 kong/3.9.3' });
  });

  test('the upstream\'s X-Kong-Request-Id is replaced by the gateway\'s', async () => {
    const reply = await post('/api/public/signin', echoAnswer({ headers: [['X-Kong-Request-Id', 'from-upstream']] }));
    expect(reply.headers['x-kong-request-id']).toMatch(REQUEST_ID);
  });

  test('the upstream request gets Via with the client\'s HTTP version, after the client\'s own Via', async () => {
    const plain = (await post('/api/public/signin')).body as Echoed;
    expect(plain.headers.via).toBe('1.1 kong/3.9.3');
    const chained = (await post('/api/public/signin', { Via: '1.0 corporate-proxy' })).body as Echoed;
    expect(chained.headers.via).toBe('1.0 corporate-proxy, 1.1 kong/3.9.3');
  });
});
