// A request as the proxy answers it: what is known before a route matches
// (Answering), and the request matched to a route that its plugins and the
// upstream call see (Context), with its body read at most once.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteConfig, ServiceConfig } from './config';
import type { Consumer } from './consumers';
import type { Credential } from './entities';
import type { RequestHeaders } from './headers';
import type { Plugin, RequestContext, RequestInfo } from './plugin';

const EMPTY_BODY = Buffer.alloc(0);

/** What answering needs before a route is known: the request, and which plugins' header_filter runs. */
export interface Answering extends RequestInfo {
  /** The request target as nginx's $request_uri: path and query, also from an absolute-form target. */
  requestUri: string;
  waitingTime: number;
  responseHeaders: Record<string, string | number>;
  /** Plugins whose header_filter runs on the answer: the route's, or the global ones. */
  collected: Plugin[];
}

/**
 * A request matched to a route: what its plugins and the upstream call see.
 * A class, not the Answering object grown field by field, so that every
 * request has the same shape and no closures of its own.
 */
export class Context implements RequestContext, Answering {
  readonly req: IncomingMessage;
  readonly requestUri: string;
  readonly headers: RequestHeaders;
  readonly requestId: string;
  readonly startedAt: number;
  waitingTime: number;
  readonly responseHeaders: Record<string, string | number>;
  readonly collected: Plugin[];
  upstreamQuery: string;
  consumer?: Consumer;
  credential?: Credential;
  /** The body once read or replaced. */
  private body: Buffer | null = null;
  private reading: Promise<Buffer> | null = null;

  constructor(
    answering: Answering,
    private readonly res: ServerResponse,
    readonly route: RouteConfig,
    plugins: Plugin[],
    readonly path: string,
    readonly query: string,
    readonly clientIp: string,
    readonly peerIp: string,
    /** Whether the connection comes from trusted_ips: then the client's X-Forwarded-* are believed. */
    readonly trusted: boolean,
    readonly upstreamPath: string,
  ) {
    this.req = answering.req;
    this.requestUri = answering.requestUri;
    this.headers = answering.headers;
    this.requestId = answering.requestId;
    this.startedAt = answering.startedAt;
    this.waitingTime = answering.waitingTime;
    this.responseHeaders = answering.responseHeaders;
    this.collected = plugins;
    this.upstreamQuery = query;
  }

  get service(): ServiceConfig | null {
    return this.route.service;
  }

  readBody(): Promise<Buffer> {
    if (this.reading === null) {
      const known = this.bodyNow();
      this.reading = known !== null ? Promise.resolve(known) : readWhole(this.req, this.res).then((read) => (this.body ??= read));
    }
    return this.reading;
  }

  setBody(replacement: Buffer): void {
    this.body = replacement;
    this.reading = Promise.resolve(replacement);
  }

  /** The body without waiting, when it is known already: read, replaced, or a request that has none. */
  bodyNow(): Buffer | null {
    if (this.body === null && this.reading === null && hasNoBody(this.req, this.headers)) this.body = EMPTY_BODY;
    return this.body;
  }
}

/**
 * A request that has no body, known without reading: one already complete,
 * or one that announces none (nor waits to be told to send it). Node emits
 * the request before its parser has marked a bodiless one complete.
 */
export function hasNoBody(req: Pick<IncomingMessage, 'complete' | 'readableLength'>, headers: Pick<RequestHeaders, 'get'>): boolean {
  if (req.complete) return req.readableLength === 0;
  if (headers.get('transfer-encoding') !== undefined || headers.get('expect') !== undefined) return false;
  const length = headers.get('content-length');
  return length === undefined || length === '0';
}

/** The request body, whole; a client waiting on `Expect: 100-continue` is told to send it first. */
async function readWhole(req: IncomingMessage, res: ServerResponse): Promise<Buffer> {
  if (req.headers.expect?.toLowerCase() === '100-continue' && !res.headersSent) res.writeContinue();
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}
