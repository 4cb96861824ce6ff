/**
 * A stand-in for the Lambda Invoke API (POST /2015-03-31/functions/<name>/invocations),
 * for testing the aws-lambda plugin without AWS: it records each call and
 * answers what the test asked for. Signatures are checked by a SigV4 verifier
 * written from AWS's description, independent of the signer the gateway uses.
 *
 * Never deployed, never imported by the service. It lives in stand-ins/, not
 * test/, because two tools use it: the gateway's conformance tests
 * (test/gateway/) and the bench (bench/gateway-alone.ts), and nothing outside
 * test/ imports from test/ (test/unit/layout/test-imports.test.ts). Neither owns
 * it: the tests hold it to AWS's behaviour, the bench only needs it cheap.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FUNCTION = 'gateway-test';
/** Never answers: for timeouts. */
export const SLOW_FUNCTION = 'gateway-test-slow';
export const ACCESS_KEY = 'test-key';
export const SECRET_KEY = 'test-secret';
export const REGION = 'us-east-1';

export interface Invocation {
  url: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The body as JSON: the event. */
  event: any;
}

/** What the next call gets: the function's result (Payload), and how the Invoke API frames it. */
export interface Answer {
  /** A string is sent as it is; anything else as JSON. */
  payload: unknown;
  status?: number;
  headers?: Record<string, string | string[]>;
  /** Send the body chunked, without Content-Length. */
  chunked?: boolean;
}

export interface StandIn {
  port: number;
  invocations: Invocation[];
  /** The answer to the next call (default: a 200 proxy-integration answer 'ok'). */
  answerNext(answer: Answer): void;
  last(): Invocation;
  close(): Promise<void>;
}

const DEFAULT_ANSWER: Answer = { payload: { statusCode: 200, body: 'ok' } };

function answer(res: ServerResponse, { payload, status = 200, headers = {}, chunked = false }: Answer): void {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const frame: Record<string, string | string[]> = {
    'Content-Type': 'application/json',
    'X-Amzn-RequestId': 'c0ffee00-0000-4000-8000-000000000000',
    'X-Amz-Executed-Version': '$LATEST',
    ...headers,
  };
  if (!chunked) frame['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(status, frame).end(body);
}

export async function startStandIn(port = 0): Promise<StandIn> {
  const invocations: Invocation[] = [];
  const queue: Answer[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let event: unknown;
      try {
        event = JSON.parse(body.toString('utf8'));
      } catch {
        event = undefined;
      }
      invocations.push({ url: req.url ?? '', headers: req.headers, body, event });
      const name = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '')?.[1];
      if (name === SLOW_FUNCTION) return; // the client gives up first
      if (name !== FUNCTION) {
        // What AWS answers for a function that does not exist.
        answer(res, {
          status: 404,
          payload: { Message: `Function not found: arn:aws:lambda:${REGION}:123456789012:function:${name}`, Type: 'User' },
          headers: { 'X-Amzn-ErrorType': 'ResourceNotFoundException' },
        });
        return;
      }
      if (req.headers['x-amz-invocation-type'] === 'Event') {
        answer(res, { status: 202, payload: '' });
        return;
      }
      answer(res, queue.shift() ?? DEFAULT_ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    invocations,
    answerNext: (next) => queue.push(next),
    last: () => {
      if (invocations.length === 0) throw new Error('the stand-in was not called');
      return invocations[invocations.length - 1];
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
const uriEncode = (value: string) => encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** Whether the call's Authorization header is a valid SigV4 signature of it with this secret. */
export function signatureIsValid(invocation: Invocation, secret: string): boolean {
  const authorization = String(invocation.headers.authorization);
  const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(authorization);
  if (!match) return false;
  const [, , date, region, service, signedHeaders, signature] = match;
  const amzDate = String(invocation.headers['x-amz-date']);
  const [path, query = ''] = invocation.url.split('?');
  const canonicalPath = path.split('/').map(uriEncode).join('/');
  const canonicalQuery = query
    .split('&')
    .filter(Boolean)
    .map((pair) => pair.split('=').map((part) => uriEncode(decodeURIComponent(part))).join('='))
    .sort()
    .join('&');
  const canonicalHeaders = signedHeaders
    .split(';')
    .map((name) => `${name}:${String(invocation.headers[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = ['POST', canonicalPath, canonicalQuery, canonicalHeaders, signedHeaders, sha256(invocation.body)].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  return hmac(key, stringToSign).toString('hex') === signature;
}
