// What Kong's nginx refuses before Kong runs, checked on what Node parsed:
// the request target, the head's buffers, Host, Transfer-Encoding, methods.
import type { IncomingMessage } from 'node:http';
import { ownPage, parserRefusal, pathIsValid, refusal, requestPath } from '../../../../kong/gateway/core/nginx';

/** A parsed request as Node hands it over; raw header lines as sent. */
function request(url: string, raw: string[] = ['Host', 'example.test'], { method = 'GET', version = '1.1' } = {}): IncomingMessage {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[raw[i].toLowerCase()] ??= raw[i + 1];
  const [major, minor] = version.split('.').map(Number);
  return { url, method, rawHeaders: raw, headers, httpVersion: version, httpVersionMajor: major, httpVersionMinor: minor } as unknown as IncomingMessage;
}

describe('pathIsValid (ngx_http_parse_complex_uri)', () => {
  test('refuses a broken escape, an escaped NUL, and climbing above the root, also when the dots are escaped', () => {
    expect(pathIsValid('/a/%zz')).toBe(false);
    expect(pathIsValid('/a/%4')).toBe(false);
    expect(pathIsValid('/a/%00')).toBe(false);
    expect(pathIsValid('/..')).toBe(false);
    expect(pathIsValid('/a/../..')).toBe(false);
    expect(pathIsValid('/a/%2e%2e/%2E%2E/b')).toBe(false);
  });

  test('takes dots that stay below the root, and escapes that decode to anything but NUL', () => {
    expect(pathIsValid('/a/..')).toBe(true);
    expect(pathIsValid('/a/b/../../c')).toBe(true);
    expect(pathIsValid('/a/%2e%2e')).toBe(true);
    expect(pathIsValid('/a%2Fb%20c%ff')).toBe(true);
    expect(pathIsValid('/..a/b..')).toBe(true);
  });
});

describe('requestPath', () => {
  test('origin form as it is; absolute form by its path, "/" when it has none', () => {
    expect(requestPath('/a?b=1')).toBe('/a?b=1');
    expect(requestPath('http://example.test/a?b=1')).toBe('/a?b=1');
    expect(requestPath('https://example.test')).toBe('/');
    expect(requestPath('http://example.test?x')).toBe('/?x');
  });

  test('anything else is a bad request line', () => {
    expect(requestPath('*')).toBeNull();
    expect(requestPath('example.test/a')).toBeNull();
    expect(requestPath('')).toBeNull();
  });
});

describe('refusal', () => {
  test('a well-formed request passes', () => {
    expect(refusal(request('/a'))).toBeNull();
    // HTTP/1.0 needs no Host.
    expect(refusal(request('/a', [], { version: '1.0' }))).toBeNull();
  });

  test('the request line: HTTP/2 is 505, a bad target or path 400 with no headers read', () => {
    expect(refusal(request('/a', undefined, { version: '2.0' }))).toEqual({ status: 505, parsedHeaders: 0 });
    expect(refusal(request('*'))).toEqual({ status: 400, parsedHeaders: 0 });
    expect(refusal(request('/a/%zz?q=%zz'))).toEqual({ status: 400, parsedHeaders: 0 });
    // The query is not the path's business.
    expect(refusal(request('/a?q=%zz'))).toBeNull();
  });

  test('Host: none in HTTP/1.1, two, or an invalid one is 400 with every header read', () => {
    expect(refusal(request('/a', ['Accept', 'text/html']))).toEqual({ status: 400, parsedHeaders: 1 });
    expect(refusal(request('/a', ['Host', 'a.test', 'host', 'b.test']))).toEqual({ status: 400, parsedHeaders: 2 });
    for (const host of ['a..test', 'a/b', 'a b', '']) expect(refusal(request('/a', ['Host', host]))?.status).toBe(400);
    for (const host of ['a.test.', 'a.test:8000', '[::1]:80', 'A.TEST']) expect(refusal(request('/a', ['Host', host]))).toBeNull();
  });

  test('Transfer-Encoding: other than chunked is 501, any in HTTP/1.0 is 400', () => {
    expect(refusal(request('/a', ['Host', 'a', 'Transfer-Encoding', 'gzip']))).toEqual({ status: 501, parsedHeaders: 2 });
    expect(refusal(request('/a', ['Host', 'a', 'Transfer-Encoding', 'Chunked']))).toBeNull();
    expect(refusal(request('/a', ['Transfer-Encoding', 'chunked'], { version: '1.0' }))?.status).toBe(400);
  });

  test('TRACE and CONNECT are 405', () => {
    expect(refusal(request('/a', undefined, { method: 'TRACE' }))).toEqual({ status: 405, parsedHeaders: 1 });
    expect(refusal(request('/a', undefined, { method: 'CONNECT' }))?.status).toBe(405);
  });

  test("the head's buffers: a request line over 8k is 414, a header line over 8k is 494 with the lines before it read", () => {
    expect(refusal(request(`/${'a'.repeat(8200)}`))).toEqual({ status: 414, parsedHeaders: 0 });
    expect(refusal(request('/a', ['Host', 'a', 'Accept', 'x', 'Cookie', 'c'.repeat(8200)]))).toEqual({ status: 494, parsedHeaders: 2 });
    // Lines that fit, but need a fifth 8k buffer: 494.
    const big = Array.from({ length: 5 }, (_, i) => [`X-${i}`, 'v'.repeat(5000)]).flat();
    expect(refusal(request('/a', ['Host', 'a', ...big]))?.status).toBe(494);
    // Four are enough.
    expect(refusal(request('/a', ['Host', 'a', ...big.slice(0, 8)]))).toBeNull();
  });

  test('a long request line that fits a large buffer is no refusal (414 needs more than 8k)', () => {
    expect(refusal(request(`/${'a'.repeat(5000)}`))).toBeNull();
  });
});

describe("nginx's own answers", () => {
  test("what Node's parser refuses is 400, but an oversized head is 494, a bad Transfer-Encoding 501, and a silent client no answer", () => {
    const code = (c: string) => parserRefusal(Object.assign(new Error(c), { code: c }));
    expect(code('HPE_INVALID_METHOD')).toBe(400);
    expect(code('HPE_HEADER_OVERFLOW')).toBe(494);
    expect(code('HPE_INVALID_TRANSFER_ENCODING')).toBe(501);
    expect(code('ECONNRESET')).toBeNull();
    expect(code('HPE_HEADER_TIMEOUT')).toBeNull();
  });

  test("nginx's built-in page, OpenResty's name at the foot (server_tokens off)", () => {
    expect(ownPage(505)).toBe(
      '<html>\r\n<head><title>505 HTTP Version Not Supported</title></head>\r\n<body>\r\n<center><h1>505 HTTP Version Not Supported</h1></center>\r\n<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n',
    );
  });
});
