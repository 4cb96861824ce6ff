import type { Context } from 'aws-lambda';
import * as v from 'valibot';
import { AppError, DependencyError } from '../../../lib/platform/errors';
import { clientOf, json, jsonRoute, oauthRoute, route, type Event } from '../../../lib/platform/http';
import { log } from '../../../lib/platform/log';
import { object, requiredString } from '../../../lib/platform/schemas';

const context = { awsRequestId: 'lambda-1' } as Context;
const event = (init: Partial<Event> = {}) => ({ headers: {}, body: null, isBase64Encoded: false, requestContext: { requestId: 'ctx-1' }, ...init }) as Event;
const body = (response: { body: string }) => JSON.parse(response.body);

let lines: string[];
beforeAll(() => {
  process.env.LOG_LEVEL = 'info';
});
beforeEach(() => {
  lines = [];
  jest.spyOn(console, 'log').mockImplementation((line) => void lines.push(line));
  jest.spyOn(console, 'error').mockImplementation((line) => void lines.push(line));
});
afterEach(() => jest.restoreAllMocks());

it('answers an AppError with its status, stable code and message, never its cause', async () => {
  const handler = route(async () => {
    throw new AppError('username_taken', undefined, { cause: new Error('secret detail') });
  });
  const response = await handler(event(), context);
  expect(response.statusCode).toBe(409);
  expect(body(response)).toEqual({ code: 'username_taken', message: 'Username is already taken' });
});

it('answers 503 for a failing dependency and logs the cause with the request ids', async () => {
  const handler = route(async () => {
    throw new DependencyError('kong', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
  });
  const response = await handler(event({ headers: { 'X-Kong-Request-Id': 'kong-1' } }), context);
  expect(response.statusCode).toBe(503);
  expect(body(response)).toEqual({ code: 'temporarily_unavailable', message: 'Service temporarily unavailable, please retry' });
  const logged = JSON.parse(lines[0]);
  expect(logged).toMatchObject({ level: 'warn', dependency: 'kong', lambdaRequestId: 'lambda-1', gatewayRequestId: 'kong-1' });
  expect(logged.cause).toMatchObject({ error: 'Error', code: 'ECONNREFUSED' });
});

it('answers 500 without detail for a bug, and logs it', async () => {
  const handler = route(async () => {
    throw new TypeError('x is undefined');
  });
  const response = await handler(event(), context);
  expect(response.statusCode).toBe(500);
  expect(body(response)).toEqual({ code: 'server_error', message: 'Internal server error' });
  expect(JSON.parse(lines[0])).toMatchObject({ level: 'error', error: 'TypeError', gatewayRequestId: 'ctx-1' });
});

it('puts the request ids on every line logged while serving, and keeps concurrent requests apart', async () => {
  const handler = route(async (e) => {
    await new Promise((resolve) => setTimeout(resolve, e.headers['x-delay'] === '1' ? 20 : 0));
    log.info('served', { path: e.path });
    return json(200, {});
  });
  await Promise.all([
    handler(event({ path: '/slow', headers: { 'x-delay': '1', 'x-kong-request-id': 'slow' } }), { awsRequestId: 'a' } as Context),
    handler(event({ path: '/fast', headers: { 'x-kong-request-id': 'fast' } }), { awsRequestId: 'b' } as Context),
  ]);
  const served = lines.map((line) => JSON.parse(line));
  expect(served).toEqual(
    expect.arrayContaining([
      expect.objectContaining({ path: '/slow', gatewayRequestId: 'slow', lambdaRequestId: 'a' }),
      expect.objectContaining({ path: '/fast', gatewayRequestId: 'fast', lambdaRequestId: 'b' }),
    ]),
  );
});

describe('JSON bodies', () => {
  const handler = jsonRoute(v.object({ name: v.string() }), async ({ body: parsed }) => json(200, parsed));
  const post = (raw: string | null, contentType = 'application/json') =>
    handler(event({ body: raw, headers: { 'Content-Type': contentType } }), context);

  it.each([
    [null, 'application/json', 'Request body is required'],
    ['{"name":', 'application/json', 'Request body is not valid JSON'],
    ['[]', 'application/json', 'Request body must be a JSON object'],
    ['{"name":1}', 'application/json', 'name: Invalid type: Expected string but received 1'],
    ['{"name":"a"}', 'text/plain', 'Content-Type must be application/json'],
    [`{"name":"${'a'.repeat(5000)}"}`, 'application/json', 'Request body must not exceed 4096 bytes'],
  ])('refuses %s (%s) with 400 invalid_request', async (raw, type, message) => {
    const response = await post(raw, type);
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ code: 'invalid_request', message });
  });

  it('hands the handler the validated body', async () => {
    expect(body(await post('{"name":"a"}'))).toEqual({ name: 'a' });
  });
});

it('does nothing for an OPTIONS request that reached the function (Kong answers the preflights)', async () => {
  const handler = jsonRoute(v.object({ name: v.string() }), async () => json(201, {}));
  const response = await handler(event({ httpMethod: 'OPTIONS', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' }), context);
  expect(response).toEqual({ statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' });
  expect(lines).toEqual([]);
  const created = await handler(event({ httpMethod: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"a"}' }), context);
  expect(created.statusCode).toBe(201);
});

describe('OAuth endpoints: JSON or form bodies, OAuth error names', () => {
  const handler = oauthRoute(object({ token: requiredString() }), async ({ body: parsed }) => json(200, parsed));
  const post = (raw: string | null, contentType: string) => handler(event({ body: raw, headers: { 'Content-Type': contentType } }), context);
  const FORM = 'application/x-www-form-urlencoded';

  it.each([
    ['{"token":"a b"}', 'application/json'],
    ['token=a+b', FORM],
    ['token=a%20b&client_id=app&scope=x', `${FORM}; charset=UTF-8`],
  ])('reads %s (%s)', async (raw, type) => {
    const response = await post(raw, type);
    expect(response.statusCode).toBe(200);
    expect(body(response)).toEqual({ token: 'a b' });
  });

  it.each([
    ['token=a&token=b', FORM, 'token: must not be repeated'],
    ['token=%zz', FORM, 'Request body is not valid application/x-www-form-urlencoded'],
    ['token=%E0%A4', FORM, 'Request body is not valid application/x-www-form-urlencoded'],
    ['token=a', 'text/plain', 'Content-Type must be application/json or application/x-www-form-urlencoded'],
    ['client_id=app', FORM, 'token: is required'],
  ])('refuses %s (%s) with 400 invalid_request, under both names', async (raw, type, message) => {
    const response = await post(raw, type);
    expect(response.statusCode).toBe(400);
    expect(body(response)).toEqual({ code: 'invalid_request', message, error: 'invalid_request', error_description: message });
  });

  it('gives every error the OAuth names, a failing dependency\'s too', async () => {
    const failing = oauthRoute(v.object({}), async () => {
      throw new DependencyError('dynamodb', new Error('timeout'));
    });
    const response = await failing(event({ body: '{}', headers: { 'Content-Type': 'application/json' } }), context);
    expect(response.statusCode).toBe(503);
    expect(body(response)).toEqual({
      code: 'temporarily_unavailable',
      message: 'Service temporarily unavailable, please retry',
      error: 'temporarily_unavailable',
      error_description: 'Service temporarily unavailable, please retry',
    });
  });
});

it('answers 503 with Retry-After shortly before the function would time out, instead of being killed', async () => {
  const handler = route(async () => {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return json(200, {});
  });
  const nearlyOut = { awsRequestId: 'late', getRemainingTimeInMillis: () => 1050 } as unknown as Context;
  const response = await handler(event(), nearlyOut);
  expect(response.statusCode).toBe(503);
  expect(response.headers).toMatchObject({ 'Retry-After': '1' });
  expect(body(response)).toEqual({ code: 'temporarily_unavailable', message: 'Service temporarily unavailable, please retry' });
});

describe('who is calling', () => {
  const kongEvent = (headers: Record<string, string>) =>
    event({ headers, requestContext: { requestId: 'r', identity: { sourceIp: '203.0.113.7', userAgent: 'curl/8' } } as Event['requestContext'] });

  it('is the address Kong saw, never one the client claims in X-Forwarded-For or X-Real-IP', () => {
    const client = clientOf(kongEvent({ 'X-Forwarded-For': '10.9.9.9', 'X-Real-IP': '10.8.8.8', 'User-Agent': 'Firefox/140' }));
    expect(client).toEqual({ address: '203.0.113.7', userAgent: 'Firefox/140' });
  });

  it('has no address when no gateway handed one over', () => {
    expect(clientOf(event({ headers: { 'X-Forwarded-For': '10.9.9.9' } }))).toEqual({ address: undefined, userAgent: undefined });
  });

  it('is on every log line of the request', async () => {
    const handler = route(async () => {
      log.info('served');
      return json(200, {});
    });
    await handler(kongEvent({}), context);
    expect(JSON.parse(lines[0])).toMatchObject({ msg: 'served', clientAddress: '203.0.113.7' });
  });
});

it('answers with the headers an error carries, such as Retry-After on a 429', async () => {
  const handler = route(async () => {
    throw new AppError('too_many_attempts', undefined, { headers: { 'Retry-After': '4' } });
  });
  const response = await handler(event(), context);
  expect(response).toMatchObject({ statusCode: 429, headers: { 'Retry-After': '4', 'Cache-Control': 'no-store', 'Content-Type': 'application/json' } });
});
