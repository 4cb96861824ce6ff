/**
 * The aws-lambda plugin as Kong 3.9 runs it with awsgateway_compatible and
 * is_proxy_integration: the API Gateway event the function gets, the signed
 * Invoke call, and how the function's answer (or its absence) reaches the client.
 * The routes are test/gateway/fixtures/aws-lambda.kong.yml; the function is a
 * stand-in for the Invoke API (stand-ins/lambda-invoke.ts).
 *
 * Against real Kong (see support.ts), also set GATEWAY_LAMBDA_PORT, the port
 * the stand-in listens on (127.0.0.1, like the echo server), and sync the
 * fixture first:
 *   DECK_LAMBDA_HOST=127.0.0.1 DECK_LAMBDA_PORT=$GATEWAY_LAMBDA_PORT \
 *   DECK_LAMBDA_CLOSED_PORT=1 deck gateway sync test/gateway/fixtures/aws-lambda.kong.yml
 * (its select_tags keep kong/kong.yml's entities out of that sync).
 */
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import {
  ACCESS_KEY, FUNCTION, REGION, SECRET_KEY, signatureIsValid, startStandIn, type Answer, type StandIn,
} from '../../../stand-ins/lambda-invoke';
import { createClient, now, REMOTE, REQUEST_ID, send, startFixtureTarget, type Reply, type Target } from '../support';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'aws-lambda.kong.yml');

/** A port nothing listens on: one the system handed out, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let lambda: StandIn;
let target: Target;
beforeAll(async () => {
  if (REMOTE && !process.env.GATEWAY_LAMBDA_PORT) throw new Error('GATEWAY_LAMBDA_PORT must name the port the fixture\'s DECK_LAMBDA_PORT points at');
  lambda = await startStandIn(REMOTE ? Number(process.env.GATEWAY_LAMBDA_PORT) : 0);
  target = await startFixtureTarget(FIXTURE, {
    DECK_LAMBDA_HOST: '127.0.0.1',
    DECK_LAMBDA_PORT: String(lambda.port),
    DECK_LAMBDA_CLOSED_PORT: String(await closedPort()),
  });
});
afterAll(async () => {
  await target.close();
  await lambda.close();
});

const call = (pathAndQuery: string, options: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer } = {}) =>
  send(target.proxyUrl, pathAndQuery, options);

/** Calls a route with the next answer from the function. */
function answered(answer: Answer, pathAndQuery = '/lambda'): Promise<Reply> {
  lambda.answerNext(answer);
  return call(pathAndQuery);
}

const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('the event (API Gateway payload 1.0)', () => {
  test('has exactly the keys Kong sends, with the request in them', async () => {
    const before = Date.now();
    const reply = await call('/lambda/users/42?a=1&a=2&flag&empty=&enc=x%20y+z', {
      method: 'POST',
      headers: { 'User-Agent': 'conformance/1.0', 'X-Multi': ['one', 'two'], 'Content-Type': 'text/plain' },
      body: 'hello',
    });
    const after = Date.now();
    expect(reply.status).toBe(200);
    const { event } = lambda.last();
    expect(Object.keys(event).sort()).toEqual([
      'body', 'headers', 'httpMethod', 'isBase64Encoded', 'multiValueHeaders', 'multiValueQueryStringParameters',
      'path', 'pathParameters', 'queryStringParameters', 'requestContext', 'version',
    ]);
    expect(event).toMatchObject({
      version: '1.0',
      path: '/users/42',
      httpMethod: 'POST',
      pathParameters: {},
      queryStringParameters: { a: '1', flag: true, empty: '', enc: 'x y z' },
      multiValueQueryStringParameters: { a: ['1', '2'], flag: [true], empty: [''], enc: ['x y z'] },
      body: b64('hello'),
      isBase64Encoded: true,
    });

    const host = new URL(target.proxyUrl).host;
    expect(event.headers).toMatchObject({
      host,
      'user-agent': 'conformance/1.0',
      'x-multi': 'one',
      'content-type': 'text/plain',
      'content-length': '5',
    });
    expect(event.multiValueHeaders).toMatchObject({ host: [host], 'x-multi': ['one', 'two'], 'content-length': ['5'] });
    for (const name of Object.keys(event.headers)) expect(name).toBe(name.toLowerCase());
    // Headers Kong adds only when proxying are not there.
    for (const name of ['x-forwarded-for', 'x-real-ip', 'x-kong-request-id', 'via']) expect(event.headers[name]).toBeUndefined();

    const context = event.requestContext;
    expect(Object.keys(context).sort()).toEqual([
      'domainName', 'domainPrefix', 'httpMethod', 'identity', 'path', 'protocol', 'requestId', 'requestTime', 'requestTimeEpoch', 'resourcePath',
    ]);
    const domainName = new URL(target.proxyUrl).hostname;
    expect(context).toMatchObject({
      path: '/users/42',
      resourcePath: '/users/42',
      httpMethod: 'POST',
      protocol: 'HTTP/1.1',
      domainName,
      domainPrefix: domainName.split('.')[0],
      identity: { sourceIp: expect.stringMatching(/^[0-9a-f.:]+$/), userAgent: 'conformance/1.0' },
      requestId: reply.headers['x-kong-request-id'],
    });
    expect(context.requestId).toMatch(REQUEST_ID);
    expect(context.requestTimeEpoch).toBeGreaterThanOrEqual(before - 1000);
    expect(context.requestTimeEpoch).toBeLessThanOrEqual(after);
    // CLF with the UTC clock; the offset is the gateway host's zone.
    const utc = new Date(context.requestTimeEpoch).toUTCString().split(' '); // "Sun, 06 Sep 2022 03:55:14 GMT"
    expect(context.requestTime).toMatch(new RegExp(`^${utc[1]}/${utc[2]}/${utc[3]}:${utc[4]} [+-]\\d{4}$`));
  });

  // request-util.lua: sourceIp = var.realip_remote_addr or var.remote_addr, the
  // TCP peer before trusted_ips/real_ip_header apply; the headers are the
  // request's own (the balancer's X-Forwarded-For), not what Kong adds when
  // proxying. The functions find the client from these (lib/platform/client-address.ts).
  (REMOTE ? test.skip : test)('behind trusted_ips and real_ip_header, sourceIp is still the TCP peer, and X-Forwarded-For reaches the function as sent', async () => {
    const behind = await startFixtureTarget(FIXTURE, {
      DECK_LAMBDA_HOST: '127.0.0.1',
      DECK_LAMBDA_PORT: String(lambda.port),
      DECK_LAMBDA_CLOSED_PORT: String(await closedPort()),
    }, { trustedIps: '127.0.0.0/8', realIpHeader: 'X-Forwarded-For', realIpRecursive: 'on' });
    try {
      await send(behind.proxyUrl, '/lambda', { headers: { 'X-Forwarded-For': ['203.0.113.9, 198.51.100.7', '127.0.0.5'], 'X-Real-IP': '192.0.2.1' } });
      const { event } = lambda.last();
      expect(event.requestContext.identity.sourceIp).toBe('127.0.0.1');
      expect(event.multiValueHeaders['x-forwarded-for']).toEqual(['203.0.113.9, 198.51.100.7', '127.0.0.5']);
      expect(event.headers['x-real-ip']).toBe('192.0.2.1');
    } finally {
      await behind.close();
    }
  });

  test('the path is the upstream path: strip_path applied, service-less routes start at /', async () => {
    await call('/lambda');
    expect([lambda.last().event.path, lambda.last().event.requestContext.path]).toEqual(['/', '/']);
    await call('/lambda/a%20b/');
    expect(lambda.last().event.path).toBe('/a%20b/');
  });

  test('no query: empty objects; no body: "" marked base64', async () => {
    await call('/lambda');
    expect(lambda.last().event).toMatchObject({
      queryStringParameters: {},
      multiValueQueryStringParameters: {},
      body: '',
      isBase64Encoded: true,
      httpMethod: 'GET',
    });
  });

  test('base64_encode_body: false sends the body as text, and no body key without one', async () => {
    await call('/lambda-raw', { method: 'PUT', body: '{"a":1}' });
    expect(lambda.last().event).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    await call('/lambda-raw');
    expect(lambda.last().event.isBase64Encoded).toBe(false);
    expect('body' in lambda.last().event).toBe(false);
  });

  test('a body nginx would buffer to disk is left out (skip_large_bodies); one that fits is sent', async () => {
    await call('/lambda', { method: 'POST', body: 'x'.repeat(8 * 1024) });
    expect(Buffer.from(lambda.last().event.body, 'base64').length).toBe(8 * 1024);
    await call('/lambda', { method: 'POST', body: 'x'.repeat(64 * 1024) });
    expect(lambda.last().event).toMatchObject({ body: '', isBase64Encoded: true });
    expect(lambda.last().event.headers['content-length']).toBe(String(64 * 1024));
  });

  test('at most 100 header lines and 100 query arguments, as nginx hands them over', async () => {
    const headers = Object.fromEntries(Array.from({ length: 120 }, (_, i) => [`x-h${String(i).padStart(3, '0')}`, String(i)]));
    const query = Array.from({ length: 120 }, (_, i) => `a${i}=${i}`).join('&');
    await call(`/lambda?${query}`, { headers });
    const { event } = lambda.last();
    expect(Object.values(event.multiValueHeaders as Record<string, string[]>).flat()).toHaveLength(100);
    expect(Object.keys(event.queryStringParameters)).toHaveLength(100);
    expect(event.queryStringParameters).toMatchObject({ a0: '0', a99: '99' });
    expect(event.queryStringParameters.a100).toBeUndefined();
  });

  test('binary bodies arrive intact', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xfe, 0xff]);
    await call('/lambda', { method: 'POST', body: bytes });
    expect(Buffer.from(lambda.last().event.body, 'base64')).toEqual(bytes);
  });

  test('what the jwt plugin set shows in the event: consumer and credential headers', async () => {
    const client = await createClient(target, { custom_id: 'crm-7' });
    const token = jwt.sign({ iss: client.credential.key, exp: now() + 600 }, client.credential.secret);
    const reply = await call('/lambda-jwt/me', { headers: { Authorization: `Bearer ${token}`, 'X-Consumer-ID': 'spoofed' } });
    expect(reply.status).toBe(200);
    const { event } = lambda.last();
    expect(event.headers).toMatchObject({
      'x-consumer-id': client.consumer.id,
      'x-consumer-username': client.consumer.username,
      'x-consumer-custom-id': 'crm-7',
      'x-credential-identifier': client.credential.key,
      authorization: `Bearer ${token}`,
    });
    expect(event.multiValueHeaders['x-consumer-id']).toEqual([client.consumer.id]);
    expect(event.path).toBe('/lambda-jwt/me');

    const before = lambda.invocations.length;
    expect((await call('/lambda-jwt/me')).status).toBe(401);
    expect(lambda.invocations.length).toBe(before);
  });
});

describe('the Invoke call', () => {
  test('POST to the function\'s invocations path, SigV4-signed with the configured key', async () => {
    await call('/lambda', { method: 'POST', body: 'signed' });
    const invocation = lambda.last();
    expect(invocation.url).toBe(`/2015-03-31/functions/${FUNCTION}/invocations`);
    expect(invocation.headers).toMatchObject({
      host: `127.0.0.1:${lambda.port}`,
      'x-amz-invocation-type': 'RequestResponse',
      'x-amz-log-type': 'Tail',
      'content-length': String(invocation.body.length),
      'x-amz-date': expect.stringMatching(/^\d{8}T\d{6}Z$/),
    });
    const date = String(invocation.headers['x-amz-date']).slice(0, 8);
    expect(invocation.headers.authorization).toMatch(new RegExp(
      `^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/${date}/${REGION}/lambda/aws4_request, ` +
      'SignedHeaders=content-length;host;x-amz-date;x-amz-invocation-type;x-amz-log-type, Signature=[0-9a-f]{64}$',
    ));
    expect(invocation.headers['x-amz-security-token']).toBeUndefined();
    expect(signatureIsValid(invocation, SECRET_KEY)).toBe(true);
    expect(signatureIsValid(invocation, 'another-secret')).toBe(false);
  });

  test('qualifier and log_type: ?Qualifier= on the URL, inside the signature', async () => {
    await call('/lambda-qualified');
    const invocation = lambda.last();
    expect(invocation.url).toBe(`/2015-03-31/functions/${FUNCTION}/invocations?Qualifier=live`);
    expect(invocation.headers['x-amz-log-type']).toBe('None');
    expect(signatureIsValid(invocation, SECRET_KEY)).toBe(true);
  });
});

describe('the function\'s answer', () => {
  test('statusCode, headers, multiValueHeaders and body make the response, with Kong\'s headers', async () => {
    const reply = await answered({
      payload: {
        statusCode: 201,
        headers: { 'X-Single': 'one', 'Content-Type': 'text/plain', 'X-Number': 7, 'X-Empty': '' },
        multiValueHeaders: { 'Set-Cookie': ['a=1', 'b=2'] },
        body: 'created',
      },
      headers: { 'X-Amz-Log-Result': b64('log tail'), Via: '1.1 lambda-front', Server: 'stand-in' },
    });
    expect(reply.status).toBe(201);
    expect(reply.text).toBe('created');
    expect(reply.headers).toMatchObject({
      'x-single': 'one',
      'content-type': 'text/plain', // same spelling as the endpoint's: the function's wins
      'x-number': '7',
      'x-empty': '', // Kong sends " "
      'set-cookie': ['a=1', 'b=2'],
      'content-length': '7',
      // The Invoke response's own headers pass through.
      'x-amzn-requestid': 'c0ffee00-0000-4000-8000-000000000000',
      'x-amz-executed-version': '$LATEST',
      'x-amz-log-result': b64('log tail'),
      via: '1.1 lambda-front, 2 kong/3.9.3',
      server: 'kong/3.9.3',
      'x-kong-request-id': expect.stringMatching(REQUEST_ID),
      'x-kong-response-latency': expect.stringMatching(/^\d+$/),
    });
    expect(reply.headers['x-kong-upstream-latency']).toBeUndefined();
    expect(reply.headers['x-kong-proxy-latency']).toBeUndefined();
  });

  test('a Via of Kong\'s own when the endpoint sends none', async () => {
    expect((await answered({ payload: { statusCode: 200 } })).headers.via).toBe('2 kong/3.9.3');
  });

  test('isBase64Encoded bodies are decoded to bytes; a missing body is empty', async () => {
    const bytes = Buffer.from([0, 0x80, 0xff, 0x41]);
    const binary = await answered({ payload: { statusCode: 200, body: bytes.toString('base64'), isBase64Encoded: true } });
    expect([binary.bytes, binary.headers['content-length']]).toEqual([bytes, '4']);
    const empty = await answered({ payload: { statusCode: 204 } });
    expect([empty.status, empty.text]).toEqual([204, '']);
    const numericString = await answered({ payload: { statusCode: '202', body: 'accepted' } });
    expect([numericString.status, numericString.text]).toEqual([202, 'accepted']);
  });

  test('a chunked Invoke response is answered with a Content-Length', async () => {
    const reply = await answered({ payload: { statusCode: 200, body: 'chunks' }, chunked: true });
    expect(reply.text).toBe('chunks');
    expect(reply.headers['content-length']).toBe('6');
    expect(reply.headers['transfer-encoding']).toBeUndefined();
  });

  test('the function\'s non-JSON content type does not stop the payload being read', async () => {
    const reply = await answered({ payload: { statusCode: 200, body: 'plain' }, headers: { 'Content-Type': 'text/plain' } });
    expect([reply.status, reply.text]).toEqual([200, 'plain']);
  });
});

describe('answers that are not proxy-integration responses: 502', () => {
  const badGateway = (reason: string) => ({ message: 'Bad Gateway', error: `could not JSON decode Lambda function response: ${reason}` });

  test.each<[string, Answer, string]>([
    ['statusCode out of range', { payload: { statusCode: 99 } }, 'statusCode validation failed'],
    ['statusCode missing', { payload: { body: 'x' } }, 'statusCode validation failed'],
    ['statusCode not a number', { payload: { statusCode: 'ok' } }, 'statusCode validation failed'],
    ['headers not a table', { payload: { statusCode: 200, headers: 'x' } }, 'headers must be a table'],
    ['body not a string', { payload: { statusCode: 200, body: 5 } }, 'body must be a string'],
    ['isBase64Encoded not a boolean', { payload: { statusCode: 200, isBase64Encoded: 'yes' } }, 'isBase64Encoded must be a boolean'],
    ['a JSON number', { payload: '42' }, 'proxy response must be json format'],
    ['a JSON string', { payload: '"text"' }, 'Expected value but found invalid token at character 1'],
    ['not JSON', { payload: 'not json' }, 'Expected value but found invalid token at character 1'],
    ['an empty payload', { payload: '' }, 'Expected value but found T_END at character 1'],
    ['a trailing comma', { payload: '{"statusCode": 200,}' }, 'Expected object key string but found T_OBJ_END at character 20'],
    ['trailing data', { payload: '{"statusCode": 200} x' }, 'Expected the end but found invalid token at character 21'],
  ])('%s', async (_, answer, reason) => {
    const reply = await answered(answer);
    expect([reply.status, reply.headers['content-type'], reply.body]).toEqual([502, 'application/json; charset=utf-8', badGateway(reason)]);
    expect(reply.headers.server).toBe('kong/3.9.3');
    // The endpoint's headers are not passed on with Kong's own 502.
    expect(reply.headers['x-amz-executed-version']).toBeUndefined();
  });

  test('a function error (X-Amz-Function-Error) is not a valid answer either', async () => {
    const reply = await answered({
      payload: { errorMessage: 'boom', errorType: 'Error', trace: ['Error: boom', '    at handler'] },
      headers: { 'X-Amz-Function-Error': 'Unhandled' },
    });
    expect([reply.status, reply.body]).toEqual([502, badGateway('statusCode validation failed')]);
    expect(reply.headers['x-amz-function-error']).toBeUndefined();
  });

  test('an Event invocation\'s empty 202 is an empty payload', async () => {
    const reply = await call('/lambda-event');
    expect([reply.status, reply.body]).toEqual([502, badGateway('Expected value but found T_END at character 1')]);
    expect(lambda.last().headers['x-amz-invocation-type']).toBe('Event');
  });
});

describe('no answer from Lambda: 500 An unexpected error occurred', () => {
  const expectUnexpectedError = (reply: Reply) => {
    expect([reply.status, reply.body]).toEqual([500, { message: 'An unexpected error occurred', request_id: reply.headers['x-kong-request-id'] }]);
    expect(reply.headers.server).toBe('kong/3.9.3');
  };

  test('an unknown function (Invoke answers 404)', async () => {
    expectUnexpectedError(await call('/lambda-unknown'));
    expect(lambda.last().url).toBe('/2015-03-31/functions/no-such-function/invocations');
  });

  test('an unreachable endpoint', async () => {
    expectUnexpectedError(await call('/lambda-unreachable'));
  });

  test('a function slower than timeout', async () => {
    expectUnexpectedError(await call('/lambda-slow'));
  });

  test('the error body follows Accept, as for any kong.response.error', async () => {
    const reply = await call('/lambda-unknown', { headers: { Accept: 'text/plain' } });
    expect([reply.status, reply.text]).toEqual([500, `An unexpected error occurred\nrequest_id: ${reply.headers['x-kong-request-id']}\n`]);
  });
});
