// Pages written straight to a socket: for CONNECT and for requests Node's
// parser refused, as nginx answers them, with the connection closed.
import { rawPage } from '../../../../kong/gateway/core/raw-pages';
import { parseHeaders } from '../../../../kong/gateway/core/settings';

const DEFAULT = parseHeaders('server_tokens, latency_tokens, X-Kong-Request-Id');
const DATE = 'Mon, 07 Dec 2026 19:00:00 GMT';

test("a refused request with no headers read: Kong's error page as text/plain, Kong's headers, Connection: close", () => {
  const body = 'Bad request\nrequest_id: rid\n';
  expect(rawPage(400, undefined, undefined, DEFAULT, 'rid', DATE)).toBe(
    `HTTP/1.1 400 Bad Request\r\nDate: ${DATE}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\nConnection: close\r\n`
    + 'Server: kong/3.9.3\r\nX-Kong-Response-Latency: 0\r\nX-Kong-Request-Id: rid\r\n\r\n' + body,
  );
});

test('the format follows Accept, then Content-Type; 494 goes out as 400', () => {
  expect(rawPage(405, 'application/json', undefined, DEFAULT, 'rid', DATE)).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n[^]*Content-Type: application\/json; charset=utf-8\r\n[^]*\r\n\r\n\{\n {2}"message":"Method not allowed",/);
  expect(rawPage(494, undefined, 'text/html', DEFAULT, 'rid', DATE)).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[^]*text\/html[^]*<p>Request header or cookie too large\.<\/p>/);
});

test("501 and 505 are nginx's own pages, whatever Accept says", () => {
  const page = rawPage(505, 'application/json', undefined, DEFAULT, 'rid', DATE);
  expect(page).toMatch(/^HTTP\/1\.1 505 HTTP Version Not Supported\r\n[^]*Content-Type: text\/html\r\n/);
  expect(page.endsWith('<hr><center>openresty</center>\r\n</body>\r\n</html>\r\n')).toBe(true);
});

test("the headers setting turns Kong's lines off", () => {
  expect(rawPage(400, undefined, undefined, parseHeaders('off'), 'rid', DATE)).not.toMatch(/Server|X-Kong/);
});
