/** JSON-over-HTTP helpers for tests that go through the gateway or straight to the API: the stack toolkit's. */
import http from 'node:http';
import { request, type JsonResponse } from '../../scripts/stack';
import { conform } from './openapi';

export { bearer, request, type JsonResponse } from '../../scripts/stack';

/** How a test sends a request: request() itself, or one from another local address. */
export type Send = (url: string, init?: Parameters<typeof request>[1]) => Promise<JsonResponse>;

/**
 * request(), from another local address: the whole of 127.0.0.0/8 is this
 * machine, so a test can be a client of its own at, say, 127.4.5.6, and the
 * gateway sees that address as the TCP peer (what the service throttles by).
 */
export function requestFrom(localAddress: string): Send {
  return (url, init = {}) =>
    new Promise((resolve, reject) => {
      const body = init.body === undefined ? undefined : JSON.stringify(init.body);
      const headers = { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...init.headers };
      const req = http.request(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders.set(name, String(value));
          const status = res.statusCode ?? 0;
          // fetch's answers are checked in openapi-setup.ts; this one does not go through fetch.
          conform({ method: req.method, url, status, headers: responseHeaders, body: text });
          resolve({ status, headers: responseHeaders, body: parsed });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
}
