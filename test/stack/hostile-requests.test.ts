/**
 * Nothing a client sends to any port `npm start` opens stops the stack. The
 * attack run's fuzzing sent random bytes with Content-Encoding gzip, deflate
 * or br to serverless-offline's HTTP port: hapi's "Invalid compressed
 * payload" escaped as an uncaught exception, the API process exited and the
 * whole stack with it. Here every port gets such bodies, truncated chunked
 * bodies and absurd headers, and the stack must still answer through the
 * gateway. The suite's stack has the HTTP port open (as API_HTTP=1 does),
 * and a Redis server is started as RATE_LIMIT_POLICY=redis starts it, so
 * that every port there can be is covered.
 */
import net from 'node:net';
import zlib from 'node:zlib';
import { answers, freePorts, request, type Component } from '../../scripts/stack';
import { redisServer } from '../../scripts/stack/redis';
import { testLog } from '../support/stack';

/** mulberry32: the same "random" requests on every run, so a failure can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const latin1 = (text: string) => Buffer.from(text, 'latin1');

/** Compressed-looking garbage, truncated bodies, chunked bodies cut short: seeded. */
function randomRequests(path: string, count: number, seed: number): { bytes: Buffer; holdMs: number }[] {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => int(256)));
  const gzipped = zlib.gzipSync(bytes(5000));
  const brotli = zlib.brotliCompressSync(bytes(3000));
  const bomb = zlib.deflateSync(Buffer.alloc(20_000_000));
  const requests = [];
  for (let i = 0; i < count; i++) {
    const noise = bytes(1 + int(i % 7 === 0 ? 60_000 : 3000));
    const body = [noise, Buffer.concat([gzipped.subarray(0, gzipped.length / 2), noise]), bomb, Buffer.concat([brotli.subarray(0, 100), noise])][int(4)];
    const encoding = ['gzip', 'deflate', 'br', 'x-gzip', 'gzip, br'][int(5)];
    const method = ['POST', 'PUT', 'GET', 'DELETE', 'PATCH'][int(5)];
    const type = ['application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream'][int(5)];
    const chunked = int(3) === 0;
    const sent = int(3) === 0 ? body.subarray(0, int(body.length)) : body;
    const head = `${method} ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: ${type}\r\nContent-Encoding: ${encoding}\r\n${chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${body.length}`}\r\n\r\n`;
    const framed = chunked ? [latin1(head), latin1(`${body.length.toString(16)}\r\n`), sent] : [latin1(head), sent];
    requests.push({ bytes: Buffer.concat(framed), holdMs: 300 + int(500) });
  }
  return requests;
}

/** Requests no client should send: absurd headers, broken framing, other protocols. */
function malformedRequests(path: string): Buffer[] {
  return [
    `POST ${path} HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100_000)}\r\nContent-Length: 0\r\n\r\n`,
    `GET ${path} HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 5000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n\r\n`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999\r\n\r\nabc`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\nabc`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabc`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Encoding: br\r\n\r\nffffffff\r\n${'\u00ff'.repeat(300)}`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nabcde\r\n`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Encoding: deflate\r\nContent-Length: 10\r\n\r\n`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=${'-'.repeat(5000)}\r\nContent-Encoding: gzip\r\nContent-Length: 20\r\n\r\n${'\u0000'.repeat(20)}`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 30\r\n\r\n{"__proto__":{"x":1},"a":[[[[`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nCookie: ${'a=%zz; '.repeat(2000)}\r\nContent-Length: 0\r\n\r\n`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Encoding: gzip\r\nContent-Encoding: br\r\nContent-Length: 4\r\n\r\n\u001f\u008b\u0008\u0000`,
    `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Encoding: GZIP\r\nContent-Length: 4\r\n\r\n\u001f\u008b\u0008\u0000`,
    `POST ${path} HTTP/1.0\r\nContent-Encoding: gzip\r\n\r\n\u001f\u008b\u0008\u0000garbage`,
    `GET ${path}${'/..'.repeat(3000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n${'\u0000'.repeat(100)}`,
    '\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003',
  ].map(latin1);
}

/** Sends `bytes`, keeps the connection `holdMs`, then drops it (as the fuzzer did); a refused connection means the port is gone. */
function sendAndDrop(port: number, bytes: Buffer, holdMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(bytes, () => undefined);
      setTimeout(() => socket.destroy(), holdMs);
    });
    socket.on('data', () => undefined);
    socket.on('close', () => resolve());
    socket.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? reject(new Error(`port ${port} refused a connection`)) : resolve()));
  });
}

describe('the stack against hostile requests', () => {
  // Redis runs only with RATE_LIMIT_POLICY=redis: one of its own, as the stack starts it.
  let redis: Component;
  let redisPort: number;

  beforeAll(async () => {
    [redisPort] = await freePorts(1);
    redis = redisServer({ port: redisPort, log: testLog });
    await redis.start();
  });

  afterAll(() => redis?.stop());

  it('keeps answering after compressed garbage, cut-short bodies and absurd headers at every port', async () => {
    const port = (url: string | undefined) => Number(new URL(url!).port);
    const env = process.env;
    const targets: [string, number, string][] = [
      ['proxy', port(env.PROXY_URL), '/api/public/signin'],
      ['admin', port(env.ADMIN_URL), '/consumers'],
      ['api (HTTP port, opened for the tests)', port(env.API_URL), '/api/public/signin'],
      ['api (HTTP port, a route without a body)', port(env.API_URL), '/api/jwt/info'],
      ['api (HTTP port, no route)', port(env.API_URL), '/nowhere'],
      ['lambda invoke', port(env.LAMBDA_URL), '/2015-03-31/functions/kong-lambda-auth-local-health/invocations'],
      ['lambda invoke (async)', port(env.LAMBDA_URL), '/2014-11-13/functions/kong-lambda-auth-local-health/invoke-async/'],
      ['dynamodb', port(env.DYNAMODB_ENDPOINT), '/'],
      ['redis', redisPort, '/'],
    ];
    for (const [name, target, path] of targets) {
      for (const bytes of malformedRequests(path)) await sendAndDrop(target, bytes, 200).catch((error: Error) => Promise.reject(new Error(`${name}: ${error.message}`)));
      for (const [i, { bytes, holdMs }] of randomRequests(path, 40, target).entries()) {
        await sendAndDrop(target, bytes, holdMs).catch((error: Error) => Promise.reject(new Error(`${name}, request ${i}: ${error.message}`)));
      }
    }
    // Every part still up: health through the gateway reaches the functions, DynamoDB and the Admin API.
    let health = await request(`${env.PROXY_URL}/api/public/health`);
    for (let tries = 0; health.status !== 200 && tries < 5; tries++) health = await request(`${env.PROXY_URL}/api/public/health`);
    expect(health).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await answers(env.API_URL!)).toBe(true);
    expect(await redisAnswers(redisPort)).toBe(true);
  }, 300_000);

  it("refuses a compressed body at serverless-offline's ports before hapi reads it", async () => {
    for (const url of [`${process.env.LAMBDA_URL}/2015-03-31/functions/kong-lambda-auth-local-health/invocations`, `${process.env.API_URL}/api/public/signin`]) {
      const refused = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }, body: 'not gzip' });
      expect({ url, status: refused.status }).toEqual({ url, status: 415 });
    }
  });
});

/** PING, PONG. */
function redisAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.on('data', (data) => {
      resolve(data.toString().startsWith('+PONG'));
      socket.destroy();
    });
    socket.on('error', () => resolve(false));
  });
}
