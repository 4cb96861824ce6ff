// One try of a proxied request, as nginx's proxy module makes it after Kong's
// balancer phase: the whole (buffered) body, Kong's header lines in Kong's
// spelling, connect_timeout for the connection and read_timeout for the
// answer, on kept-alive connections (a pool per service, as Kong keeps one
// per upstream). Sent with undici's dispatch API: it hands over raw header
// lines in both directions and the answer's head before anything is written
// to the client (Kong's header_filter phase), and it costs the gateway about
// half the CPU of node:http's client per request (npm run bench).
import { subscribe } from 'node:diagnostics_channel';
import { isIP, type Socket } from 'node:net';
import type { ServerResponse } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

export interface UpstreamTarget {
  url: URL;
  connectTimeout: number;
  readTimeout: number;
}

export interface UpstreamCall {
  method: string;
  /** Path and query as the upstream gets them. */
  path: string;
  /**
   * Flat [name, value, ...] header lines, Host among them. Connection and
   * Content-Length are the pool's to write (keep-alive, the body's length).
   */
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

/** The upstream's answer once its head has arrived. */
export interface UpstreamAnswer {
  status: number;
  statusText: string;
  /** Flat [name, value, ...] lines, as the upstream spelled and repeated them. */
  rawHeaders: string[];
  /**
   * Sends the body on to the client as it arrives. The client leaving ends
   * the upstream call; the upstream failing mid-answer destroys the client's
   * answer, so that it cannot be taken as complete.
   */
  pipe(res: ServerResponse): void;
}

const TIMEOUTS = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);
const NAME_FAILURES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL']);

function classify(err: NodeJS.ErrnoException, sent: boolean, reused: boolean): TryFailure {
  if (err.code !== undefined && TIMEOUTS.has(err.code)) return new TryFailure('timeout', sent, err, reused);
  if (err.code !== undefined && NAME_FAILURES.has(err.code)) return new TryFailure('dns', false, err);
  // The upstream answered something that is not HTTP (nginx: "upstream sent invalid header").
  if (err.code?.startsWith('HPE_')) return new TryFailure('invalid', true, err, reused);
  return new TryFailure('error', sent, err, reused);
}

/**
 * Which connection a try went out on. undici tells its handler nothing of
 * the socket, but it starts a request (onRequestStart) and publishes its
 * head with the socket (undici:client:sendHeaders) in one synchronous step,
 * so the try started last is the one whose head is being sent.
 */
let starting: UpstreamTry | null = null;
/** Connections that have carried a request: a try on one of them is on a kept-alive connection. */
const carried = new WeakSet<Socket>();
subscribe('undici:client:sendHeaders', (message) => {
  const { socket } = message as { socket: Socket };
  if (starting === null) return; // someone else's request (fetch shares undici's channels)
  starting.reused = carried.has(socket);
  carried.add(socket);
  starting = null;
});

/** The answer's header lines, flat and as the upstream spelled them (undici keeps them raw on the controller). */
export function answerHeaderLines(controller: Dispatcher.DispatchController): string[] {
  const raw = (controller as Dispatcher.DispatchController & { rawHeaders: Buffer[] }).rawHeaders;
  const lines = new Array<string>(raw.length);
  for (let i = 0; i < raw.length; i++) lines[i] = raw[i].toString('latin1');
  return lines;
}

/** One try: settles when the answer's head arrives (as that answer) or the try fails, then streams the body. */
class UpstreamTry implements Dispatcher.DispatchHandler, UpstreamAnswer {
  /** 0 until the answer's head arrives. */
  status = 0;
  statusText = '';
  rawHeaders: string[] = [];
  reused = false;
  /** Set once the request goes out on a connected socket (nginx's u->request_sent). */
  private controller: Dispatcher.DispatchController | null = null;
  private client: ServerResponse | null = null;
  /** Body chunks that arrived before the client's answer was handed over. */
  private early: Buffer[] = [];
  private complete = false;
  private brokenMidAnswer = false;

  constructor(
    private readonly resolve: (answer: UpstreamAnswer) => void,
    private readonly reject: (failure: TryFailure) => void,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    starting = this;
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, _headers: unknown, statusMessage?: string): void {
    // An interim answer (100 Continue and the like) is not the upstream's answer; nginx waits for the final one.
    if (statusCode < 200) return;
    this.rawHeaders = answerHeaderLines(controller);
    this.status = statusCode;
    this.statusText = statusMessage ?? '';
    this.resolve(this);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.client === null) this.early.push(chunk);
    else if (!this.client.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.complete = true;
    this.client?.end();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    if (starting === this) starting = null;
    if (this.status === 0) {
      this.reject(classify(err, this.controller !== null, this.reused));
      return;
    }
    this.brokenMidAnswer = true;
    if (this.client !== null && !this.client.writableFinished) this.client.destroy();
  }

  pipe(res: ServerResponse): void {
    this.client = res;
    if (this.brokenMidAnswer) {
      res.destroy();
      return;
    }
    const early = this.early;
    this.early = [];
    if (this.complete) {
      // The whole answer is here already (small answers usually are): head and body go out in one write.
      res.end(early.length === 1 ? early[0] : Buffer.concat(early));
      return;
    }
    res.on('close', () => {
      if (!res.writableFinished) this.controller?.abort(new Error('the client left')); // so does the upstream call
    });
    res.on('drain', () => this.controller?.resume());
    for (const chunk of early) res.write(chunk);
  }
}

/** The TLS server name for a Host (SNI carries names only): null for an IP address. */
function serverName(host: string): string | null {
  const hostname = host.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
  return isIP(hostname) === 0 ? hostname : null;
}

/** The services' connection pools. */
export class Upstreams {
  private readonly pools = new Map<UpstreamTarget, Pool>();

  /** Sends the request once; resolves when the answer's head has arrived, rejects with a TryFailure. */
  send(target: UpstreamTarget, call: UpstreamCall): Promise<UpstreamAnswer> {
    const servername = target.url.protocol === 'https:' ? serverName(call.host) : null;
    return new Promise((resolve, reject) => {
      this.pool(target).dispatch({
        method: call.method,
        path: call.path,
        headers: call.headers,
        body: call.body,
        ...(servername === null ? {} : { servername }),
      } as Dispatcher.DispatchOptions, new UpstreamTry(resolve, reject));
    });
  }

  close(): void {
    for (const pool of this.pools.values()) void pool.destroy();
    this.pools.clear();
  }

  private pool(target: UpstreamTarget): Pool {
    let pool = this.pools.get(target);
    if (!pool) {
      pool = new Pool(target.url.origin, {
        // Kong does not verify upstream certificates unless a service says so (tls_verify).
        connect: { timeout: target.connectTimeout, rejectUnauthorized: false },
        // proxy_read_timeout: the wait for the answer's head, then between two reads of its body.
        headersTimeout: target.readTimeout,
        bodyTimeout: target.readTimeout,
        // Kong's upstream_keepalive_idle_timeout (60 s).
        keepAliveTimeout: 60_000,
        // The upstream's own timeout= hint, when it sends one, still shortens it.
        keepAliveMaxTimeout: 60_000,
      });
      this.pools.set(target, pool);
    }
    return pool;
  }
}
