/**
 * The request-size-limiting plugin as Kong 3.9 runs it: the declared length
 * checked before the body is read, a chunked body measured once read, 413
 * (417 for a client waiting on `Expect: 100-continue`) through
 * kong.response.error. Routes: test/gateway/fixtures/request-size-limiting.kong.yml.
 *
 * Against real Kong (see support.ts) sync the fixture first:
 *   DECK_ECHO_URL=http://<this machine>:$GATEWAY_ECHO_PORT deck gateway sync test/gateway/fixtures/request-size-limiting.kong.yml
 */
import path from 'node:path';
import { REQUEST_ID, send, sendRaw, startEchoFixtureTarget, type Echoed, type Reply, type Target } from '../support';

const FIXTURE = path.resolve(__dirname, '..', 'fixtures', 'request-size-limiting.kong.yml');

let target: Target;
beforeAll(async () => {
  target = await startEchoFixtureTarget(FIXTURE);
});
afterAll(() => target.close());

const post = (route: string, body: string, headers: Record<string, string> = {}) =>
  send(target.proxyUrl, `/size/${route}`, { method: 'POST', headers, body });
const chunked = { 'Transfer-Encoding': 'chunked' };

function expectTooLarge(reply: Reply, status = 413): void {
  expect([reply.status, reply.body]).toEqual([status, { message: 'Request size limit exceeded', request_id: expect.stringMatching(REQUEST_ID) }]);
}

test('a body within the limit reaches the upstream whole', async () => {
  const reply = await post('bytes', '0123456789');
  expect([reply.status, (reply.body as Echoed).body]).toEqual([200, '0123456789']);
  expect((await post('default', 'x'.repeat(100_000))).status).toBe(200);
});

test('a declared length over the limit: 413 through kong.response.error', async () => {
  expectTooLarge(await post('bytes', '01234567890'));
  const text = await post('bytes', '01234567890', { Accept: 'text/plain' });
  expect([text.headers['content-type'], text.text]).toEqual(['text/plain; charset=utf-8', `Request size limit exceeded\nrequest_id: ${text.headers['x-kong-request-id']}\n`]);
});

test('size_unit kilobytes counts 1024 bytes', async () => {
  expect((await post('kilobytes', 'k'.repeat(1024))).status).toBe(200);
  expectTooLarge(await post('kilobytes', 'k'.repeat(1025)));
});

test('a chunked body is read, then measured', async () => {
  const small = await post('bytes', '0123456789', chunked);
  expect([small.status, (small.body as Echoed).body]).toEqual([200, '0123456789']);
  expectTooLarge(await post('bytes', '01234567890', chunked));
});

test('a client waiting on Expect: 100-continue is told 417 without sending the body', async () => {
  const host = new URL(target.proxyUrl).host;
  const reply = await sendRaw(target.proxyUrl, `POST /size/bytes HTTP/1.1\r\nHost: ${host}\r\nContent-Length: 50\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n`);
  expectTooLarge(reply, 417);
});

test('require_content_length: a request without one (and not chunked) is 411', async () => {
  const bare = await send(target.proxyUrl, '/size/require-length');
  expect([bare.status, bare.body]).toEqual([411, { message: 'A valid Content-Length header is required', request_id: expect.stringMatching(REQUEST_ID) }]);
  expect((await post('require-length', '0123', chunked)).status).toBe(200);
  expect((await post('require-length', '0123')).status).toBe(200);
});
