// The answers Kong makes itself: kong.response.exit/error, and nginx's errors
// through Kong's error handler.
import { ResponseHeaders } from '../../../../kong/gateway/core/headers';
import { errorPageAnswer, exitAnswer } from '../../../../kong/gateway/core/kong-answers';
import { response } from '../../../../kong/gateway/core/plugin';

function answer(exit: ReturnType<typeof response.exit>, accept: string[] = [], fromPlugins: Record<string, string | number> = {}) {
  const headers = new ResponseHeaders();
  const body = exitAnswer(exit, fromPlugins, accept, 'rid', headers);
  return { headers: headers.raw(), body: body === undefined ? undefined : body.toString() };
}

describe('exitAnswer', () => {
  test("kong.response.error: Kong's template in the format Accept asks for, repeated Accept lines joined", () => {
    expect(answer(response.error(401, 'Unauthorized'))).toEqual({
      headers: ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', '52'],
      body: '{\n  "message":"Unauthorized",\n  "request_id":"rid"\n}',
    });
    expect(answer(response.error(403, 'No', { 'X-A': '1' }), ['text/plain;q=0.5', 'text/html']).headers).toEqual([
      'X-A', '1', 'Content-Type', 'text/html; charset=utf-8', 'Content-Length', expect.any(String),
    ]);
  });

  test('kong.response.exit: a record as cjson writes it, typed JSON unless the plugin typed it; bytes as they are', () => {
    expect(answer(response.exit(200, { url: '/a', n: 0.1 + 0.2 }))).toEqual({
      headers: ['Content-Type', 'application/json; charset=utf-8', 'Content-Length', '21'],
      body: '{"url":"\\/a","n":0.3}',
    });
    expect(answer(response.exit(200, { a: 1 }, { 'content-type': 'application/problem+json' })).headers).toEqual([
      'content-type', 'application/problem+json', 'Content-Length', '7',
    ]);
    expect(answer(response.exit(200, Buffer.from('raw')))).toEqual({ headers: ['Content-Length', '3'], body: 'raw' });
  });

  test("headers plugins set for any answer come first, the exit's own replace them, Transfer-Encoding never goes", () => {
    const { headers } = answer(response.exit(200, undefined, { 'X-Limit': '9', 'Transfer-Encoding': 'chunked' }), [], { 'x-limit': 5, 'X-Other': 'o' });
    expect(headers).toEqual(['X-Other', 'o', 'X-Limit', '9', 'Content-Length', '0']);
  });

  test('204 has no body, type or length; 304 no body but its headers', () => {
    expect(answer(response.exit(204, { a: 1 }))).toEqual({ headers: [], body: undefined });
    expect(answer(response.exit(304, Buffer.from('x')))).toEqual({ headers: ['Content-Length', '1'], body: undefined });
  });

  test('a header name or value that cannot be sent fails the plugin', () => {
    expect(() => answer(response.exit(200, undefined, { 'Bad Name': 'x' }))).toThrow(/Header name must be a valid HTTP token/);
    expect(() => answer(response.exit(200, undefined, { 'X-A': 'line\nbreak' }))).toThrow(/Invalid character in header content/);
  });
});

describe('errorPageAnswer', () => {
  test("nginx's errors: Kong's message, the format from Accept then Content-Type, 494 sent as 400", () => {
    const headers = new ResponseHeaders();
    const page = errorPageAnswer(494, { 'X-P': '1' }, undefined, 'application/json', 'rid', headers);
    expect(page).toEqual({ status: 400, contentType: 'application/json; charset=utf-8', body: '{\n  "message":"Request header or cookie too large",\n  "request_id":"rid"\n}' });
    expect(headers.raw()).toEqual(['X-P', '1', 'Content-Type', 'application/json; charset=utf-8', 'Content-Length', String(page.body.length)]);
  });

  test('a request nginx could not make sense of (400, 413, 414, 500, 501) does not keep its connection', () => {
    for (const status of [400, 413, 414, 500, 501]) {
      const headers = new ResponseHeaders();
      errorPageAnswer(status, {}, 'text/plain', undefined, 'rid', headers);
      expect([status, headers.get('Connection')]).toEqual([status, 'close']);
    }
  });

  test('a failed upstream keeps the connection; with no Accept nor Content-Type the page is text/plain', () => {
    const headers = new ResponseHeaders();
    const page = errorPageAnswer(504, {}, undefined, undefined, 'rid', headers);
    expect(page.body).toBe('The upstream server is timing out\nrequest_id: rid\n');
    expect(headers.has('Connection')).toBe(false);
  });
});
