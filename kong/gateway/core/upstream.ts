// One try of a proxied request, as nginx's proxy module makes it after Kong's
// balancer phase: the whole (buffered) body, the header lines exactly as Kong
// built them, connect_timeout for the connection and read_timeout between
// reads. Written on node:http's client rather than a proxy library because
// the gateway needs what such libraries hide: raw header lines in both
// directions (Node's header object merges or drops repeated request headers,
// nginx forwards every line), whether the request reached the upstream before
// it failed (nginx's retry rule), and the answer's headers before anything is
// written to the client (Kong's header_filter phase).
import { request as httpRequest, type Agent, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';

export interface UpstreamTarget {
  url: URL;
  connectTimeout: number;
  readTimeout: number;
}

export interface UpstreamCall {
  method: string;
  /** Path and query as the upstream gets them. */
  path: string;
  /** Flat [name, value, ...] header lines. */
  headers: string[];
  /** The Host the upstream gets: also the TLS server name (proxy_ssl_name $upstream_host). */
  host: string;
  body: Buffer | null;
}

/** Why a try failed, in nginx's terms (ngx_http_upstream_next's ft_type). */
export class TryFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'error' | 'dns' | 'invalid',
    /** Whether the request may have reached the upstream (nginx's u->request_sent). */
    readonly sent: boolean,
    readonly cause: Error,
    /** Whether the try went over a kept-alive connection (nginx's peer.cached). */
    readonly reused = false,
  ) {
    super(`${kind}: ${cause.message}`);
  }
}

class UpstreamTimeout extends Error {}

export interface TryResult {
  request: ClientRequest;
  response: IncomingMessage;
}

function classify(err: NodeJS.ErrnoException, sent: boolean, reused: boolean): TryFailure {
  if (err instanceof UpstreamTimeout) return new TryFailure('timeout', sent, err, reused);
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.code === 'EAI_FAIL') return new TryFailure('dns', false, err);
  // The upstream answered something that is not HTTP (nginx: "upstream sent invalid header").
  if (err.code?.startsWith('HPE_')) return new TryFailure('invalid', true, err, reused);
  return new TryFailure('error', sent, err, reused);
}

/** Sends the request once; resolves when the answer's head has arrived. */
export function sendOnce(target: UpstreamTarget, call: UpstreamCall, agent: Agent): Promise<TryResult> {
  const https = target.url.protocol === 'https:';
  const hostname = call.host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return new Promise((resolve, reject) => {
    let sent = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const request = (https ? httpsRequest : httpRequest)({
      hostname: target.url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: target.url.port || (https ? 443 : 80),
      method: call.method,
      path: call.path,
      headers: call.headers,
      setHost: false,
      agent,
      // Kong does not verify upstream certificates unless a service says so (tls_verify).
      ...(https ? { rejectUnauthorized: false, servername: isIP(hostname) ? undefined : hostname } : {}),
    });
    const connected = () => {
      clearTimeout(connectTimer);
      sent = true;
      // proxy_read_timeout: the longest wait between two reads once connected.
      request.setTimeout(target.readTimeout, () => request.destroy(new UpstreamTimeout('upstream timed out')));
    };
    request.on('socket', (socket: Socket) => {
      if (!socket.connecting) {
        connected(); // a kept-alive connection: the request goes out at once
        return;
      }
      connectTimer = setTimeout(() => request.destroy(new UpstreamTimeout('upstream timed out while connecting')), target.connectTimeout);
      socket.once(https ? 'secureConnect' : 'connect', connected);
    });
    request.on('response', (response) => resolve({ request, response }));
    request.on('error', (err) => {
      clearTimeout(connectTimer);
      reject(classify(err, sent, request.reusedSocket));
    });
    request.end(call.body ?? undefined);
  });
}
