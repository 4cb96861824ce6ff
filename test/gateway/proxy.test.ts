/** Routing as kong.yml declares it, and what the upstream receives. */
import { echoAnswer, REQUEST_ID, send, sendRaw, startTarget, type Echoed, type Reply, type Target } from './support';

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

describe('hop-by-hop headers and the query', () => {
  test('headers the upstream names in its Connection header do not reach the client', async () => {
    const reply = await post('/api/public/signin', echoAnswer({
      headers: [['Connection', 'X-Internal, keep-alive'], ['X-Internal', 'secret'], ['Keep-Alive', 'timeout=5'], ['X-Public', 'ok']],
    }));
    expect(reply.status).toBe(200);
    expect(reply.headers['x-public']).toBe('ok');
    expect(reply.headers['x-internal']).toBeUndefined();
    expect(reply.headers['keep-alive']).toBeUndefined();
  });

  test('headers the client names in its Connection header do not reach the upstream', async () => {
    const { headers } = (await post('/api/public/signin', { Connection: 'keep-alive, X-Hop', 'X-Hop': '1', 'X-Kept': '2' })).body as Echoed;
    expect(headers['x-hop']).toBeUndefined();
    expect(headers['x-kept']).toBe('2');
  });

  test('an empty query keeps its ?', async () => {
    expect(((await post('/api/public/signin?')).body as Echoed).url).toBe('/api/public/signin?');
    expect(((await post('/api/public/signin')).body as Echoed).url).toBe('/api/public/signin');
  });

  test('repeated request headers reach the upstream as separate lines, spelled as sent', async () => {
    const reply = await send(target.proxyUrl, '/api/public/signin', { method: 'POST', headers: { 'X-Repeated': ['one', 'two'], 'X-CamelCase': 'v' }, body: '{}' });
    const { rawHeaders } = reply.body as Echoed;
    const lines = rawHeaders.flatMap((name, i) => (i % 2 === 0 && /^x-(repeated|camelcase)$/i.test(name) ? [`${name}: ${rawHeaders[i + 1]}`] : []));
    expect(lines).toEqual(['X-Repeated: one', 'X-Repeated: two', 'X-CamelCase: v']);
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

describe('requests nginx refuses before Kong runs', () => {
  const plainPage = (reply: Reply, message: string) => [reply.headers['content-type'], reply.text, reply.headers.server].join('|');
  const expectedPage = (reply: Reply, message: string) =>
    ['text/plain; charset=utf-8', `${message}\nrequest_id: ${reply.headers['x-kong-request-id']}\n`, 'kong/3.9.3'].join('|');
  const raw = (head: string) => sendRaw(target.proxyUrl, `${head}\r\nConnection: close\r\n\r\n`);
  const host = () => new URL(target.proxyUrl).host;

  test('TRACE and CONNECT: 405, its page negotiated like any error page', async () => {
    const trace = await send(target.proxyUrl, '/api/public/signin', { method: 'TRACE' });
    expect(trace.status).toBe(405);
    expect(plainPage(trace, '')).toBe(expectedPage(trace, 'Method not allowed'));
    const json = await send(target.proxyUrl, '/api/public/signin', { method: 'TRACE', headers: { Accept: 'application/json' } });
    expect([json.status, json.body]).toEqual([405, { message: 'Method not allowed', request_id: json.headers['x-kong-request-id'] }]);
    const connect = await raw(`CONNECT /api/public/signin HTTP/1.1\r\nHost: ${host()}`);
    expect(connect.status).toBe(405);
  });

  test('HTTP/1.1 without Host, with two Hosts or an invalid one: 400', async () => {
    for (const head of [
      'GET /api/public/signin HTTP/1.1',
      `GET /api/public/signin HTTP/1.1\r\nHost: ${host()}\r\nHost: other.test`,
      'GET /api/public/signin HTTP/1.1\r\nHost: a..b',
    ]) {
      const reply = await raw(head);
      expect([head, reply.status, plainPage(reply, '')]).toEqual([head, 400, expectedPage(reply, 'Bad request')]);
    }
    // HTTP/1.0 needs no Host.
    expect((await raw('POST /api/public/signin HTTP/1.0\r\nContent-Length: 0')).status).toBe(200);
  });

  test('bad escapes, an escaped NUL, or dot segments above the root in the path: 400, before the headers are read', async () => {
    for (const path of ['/api/public/%zz', '/api/public/%4', '/api/public/a%00b', '/../api/public/signin', '/api/%2e%2e/%2E%2E/api/public/signin']) {
      // The refusal comes before nginx reads the headers, so Accept has no say.
      const reply = await send(target.proxyUrl, path, { method: 'POST', headers: { Accept: 'application/json' }, body: '{}' });
      expect([path, reply.status, plainPage(reply, '')]).toEqual([path, 400, expectedPage(reply, 'Bad request')]);
    }
    // The query string is not checked.
    expect((await send(target.proxyUrl, '/api/public/signin?x=%zz', { method: 'POST', body: '{}' })).status).toBe(200);
  });

  test('a request line nginx cannot parse: 400 as text/plain', async () => {
    for (const head of ['get /api/public/signin HTTP/1.1', 'OPTIONS * HTTP/1.1', 'GET api/public/signin HTTP/1.1']) {
      const reply = await raw(`${head}\r\nHost: ${host()}\r\nAccept: application/json`);
      expect([head, reply.status, reply.headers['content-type'], reply.text.startsWith('Bad request\nrequest_id: ')]).toEqual([head, 400, 'text/plain; charset=utf-8', true]);
    }
  });

  test('an absolute URL as the request target is routed by its path', async () => {
    const reply = await send(target.proxyUrl, 'http://elsewhere.test/api/public/signin?a=1', { method: 'POST', body: '{}' });
    expect(reply.status).toBe(200);
    expect((reply.body as Echoed).url).toBe('/api/public/signin?a=1');
  });

  test('a request line over 8k: 414 URI too long', async () => {
    const reply = await send(target.proxyUrl, `/api/public/${'a'.repeat(8200)}`, { method: 'POST', headers: { Accept: 'application/json' }, body: '{}' });
    expect([reply.status, plainPage(reply, '')]).toEqual([414, expectedPage(reply, 'URI too long')]);
  });

  test('a header line over 8k, or more than four 8k buffers of headers: 400 Request header or cookie too large', async () => {
    const big = 'a'.repeat(8200);
    const alone = await send(target.proxyUrl, '/api/public/signin', { method: 'POST', headers: { 'X-Big': big }, body: '{}' });
    expect([alone.status, plainPage(alone, '')]).toEqual([400, expectedPage(alone, 'Request header or cookie too large')]);
    // The page goes by the headers nginx had read: an Accept before the big line counts.
    const after = await send(target.proxyUrl, '/api/public/signin', { method: 'POST', headers: { Accept: 'application/json', 'X-Big': big }, body: '{}' });
    expect([after.status, after.body]).toEqual([400, { message: 'Request header or cookie too large', request_id: after.headers['x-kong-request-id'] }]);

    const line = 'b'.repeat(7000);
    const four = Object.fromEntries([1, 2, 3, 4].map((i) => [`X-Large-${i}`, line]));
    expect((await send(target.proxyUrl, '/api/public/signin', { method: 'POST', headers: four, body: '{}' })).status).toBe(200);
    const five = await send(target.proxyUrl, '/api/public/signin', { method: 'POST', headers: { ...four, 'X-Large-5': line }, body: '{}' });
    expect(five.status).toBe(400);
  });

  test('Transfer-Encoding on HTTP/1.0: 400; one nginx does not know: 501 from nginx itself', async () => {
    const old = await raw('POST /api/public/signin HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n');
    expect(old.status).toBe(400);
    const unknown = await raw(`POST /api/public/signin HTTP/1.1\r\nHost: ${host()}\r\nTransfer-Encoding: gzip, chunked`);
    expect([unknown.status, unknown.headers['content-type']]).toEqual([501, 'text/html']);
  });
});
