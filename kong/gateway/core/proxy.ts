// The proxy listener: Kong's runloop for what the gateway implements. Route
// matching, the route's plugins (access, then header_filter on every answer),
// the upstream call (core/upstream.ts) and the headers Kong adds to requests
// and answers, governed by the `headers` setting.
import { type IncomingMessage, type ServerResponse, STATUS_CODES, validateHeaderName, validateHeaderValue } from 'node:http';
import type { Duplex } from 'node:stream';
import { encode as cjsonEncode } from './cjson';
import type { GatewayConfig, PluginConfig, RouteConfig, ServiceConfig } from './config';
import type { Consumer } from './consumers';
import type { Credential } from './entities';
import { ownPage, OWN_PAGE_STATUSES, parserRefusal, refusal, requestPath, type Refusal } from './nginx';
import { RequestHeaders, ResponseHeaders } from './headers';
import { PluginError, response, type Exit, type Plugin, type PluginServices, type RequestContext, type RequestInfo } from './plugin';
import { errorBody, errorContentType, errorPage } from './respond';
import { Router, upstreamPath, type Candidate } from './router';
import { clientAddress } from './realip';
import type { GatewaySettings } from './settings';
import { Upstreams, type TryFailure, type UpstreamAnswer, type UpstreamCall } from './upstream';
import { escapePath, normalizePath } from './uri';
import { KONG_VERSION, newRequestId } from './util';

interface Route {
  config: RouteConfig;
  /** The route's plugin instances, in Kong's run order. */
  plugins: Plugin[];
}

const SERVER_TOKENS = `kong/${KONG_VERSION}`;
/** proxy_http_version 1.1: what Kong names itself with in the Via it adds to answers. */
const OUTBOUND_VIA = `1.1 ${SERVER_TOKENS}`;

// Client header lines the upstream never gets as sent: hop-by-hop ones, and
// those Kong's nginx template sets itself (proxy_set_header), with its own value or none.
const SET_BY_KONG = new Set([
  'host', 'connection', 'keep-alive', 'expect', 'upgrade', 'te', 'proxy', 'proxy-connection', 'content-length',
  'transfer-encoding', 'via', 'x-forwarded-for', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port',
  'x-forwarded-path', 'x-forwarded-prefix', 'x-real-ip', 'x-kong-request-id',
]);

// Upstream answer lines nginx does not pass on: the connection's own, and
// proxy_hide_header's defaults (Kong passes Server and Date through).
const NOT_PASSED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'x-pad', 'x-accel-expires', 'x-accel-redirect', 'x-accel-limit-rate', 'x-accel-buffering', 'x-accel-charset']);

const EMPTY_BODY = Buffer.alloc(0);

/** Methods nginx does not send twice once a try may have reached the upstream. */
const NON_IDEMPOTENT = new Set(['POST', 'LOCK', 'PATCH']);

/** Kong's csv(): a header value's comma-separated items. */
const csv = (value: string) => value.split(',').map((item) => item.trim()).filter((item) => item !== '');

/** A trusted peer's X-Forwarded-* describe the original request; anyone else's are replaced. */
function told(ctx: Context, name: string): string | undefined {
  return ctx.trusted ? joined(ctx.headers, name) : undefined;
}

/** A header's lines joined as nginx's $http_<name> joins them (1.23+). */
function joined(headers: RequestHeaders, name: string): string | undefined {
  const values = headers.values(name);
  return values.length === 0 ? undefined : values.join(', ');
}

function peerAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** Whether an upstream's answer came with a Via of its own. */
function sentVia(raw: string[]): boolean {
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 3 && raw[i].toLowerCase() === 'via') return true;
  return false;
}

/** ngx.req.http_version() as Lua prints it: 1.1, 1 (for 1.0), 2. */
const httpVersion = (req: IncomingMessage) => (req.httpVersionMinor === 0 ? String(req.httpVersionMajor) : req.httpVersion);

/** What answering needs before a route is known: the request, and which plugins' header_filter runs. */
interface Answering extends RequestInfo {
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
class Context implements RequestContext, Answering {
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

/** How long the proxied request spent where, for Kong's latency headers (ms). */
interface Proxied {
  proxyLatency: number;
  upstreamLatency: number;
  /** The upstream answer's own Via, before anything changed it. */
  upstreamVia: string | undefined;
  /** What the upstream answered (nginx's $upstream_status: 502 or 504 for a failed try). */
  upstreamStatus: number;
}

export class GatewayProxy {
  private readonly router: Router<Route>;
  private readonly instances = new Map<PluginConfig, Plugin>();
  private readonly globalPlugins: Plugin[];
  /** Each connection's latest answer: while it is unfinished, the connection has an answer under way. */
  private readonly answering = new WeakMap<object, ServerResponse>();
  private readonly upstreams = new Upstreams();

  constructor(config: GatewayConfig, private readonly services: Omit<PluginServices, 'scope' | 'configuration'>, private readonly settings: GatewaySettings, private readonly log: boolean) {
    this.router = new Router(config.routes.map((routeConfig): Route => ({ config: routeConfig, plugins: routeConfig.plugins.map(this.instance) })));
    this.globalPlugins = config.globalPlugins.map(this.instance);
  }

  /** One instance per plugin entity, as Kong has one configuration: routes sharing a service or global plugin share it. */
  private readonly instance = (plugin: PluginConfig): Plugin => {
    let instance = this.instances.get(plugin);
    if (!instance) {
      instance = new plugin.module.handler(plugin.config, { ...this.services, scope: plugin.scope, configuration: this.settings });
      this.instances.set(plugin, instance);
    }
    return instance;
  };

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    this.answering.set(req.socket, res);
    const answering: Answering = {
      req,
      requestUri: requestPath(req.url ?? '/') ?? '/',
      headers: new RequestHeaders(req),
      requestId: newRequestId(),
      startedAt: Date.now(),
      waitingTime: 0,
      responseHeaders: {},
      collected: this.globalPlugins,
    };
    if (this.log) {
      res.on('finish', () => console.log(`proxy ${req.method} ${req.url} ${res.statusCode} ${Date.now() - answering.startedAt}ms`));
    }
    try {
      const refused = refusal(req);
      if (refused) this.refuse(res, answering, refused);
      else this.dispatch(req, res, answering);
    } catch (err) {
      this.failed(res, answering, err);
    }
  };

  /**
   * A CONNECT request, which Node hands over apart, with its socket: nginx
   * refuses it (405, or 400 for a target that is no path), written out here.
   */
  readonly handleConnect = (req: IncomingMessage, socket: Duplex): void => {
    const refused = refusal(req) ?? { status: 405, parsedHeaders: req.rawHeaders.length / 2 };
    const first = (name: string) => (refused.parsedHeaders === 0 ? undefined : req.headers[name] as string | undefined);
    this.writeRaw(socket, refused.status, first('accept'), first('content-type'));
  };

  /**
   * A request Node's parser refused: answered as nginx answers a request it
   * cannot parse, from its error page with no request headers to go by (so
   * text/plain), and the connection closed.
   */
  readonly clientError = (err: NodeJS.ErrnoException, socket: Duplex): void => {
    const status = parserRefusal(err);
    // Node can fail on a body after the head: an answer already on its way goes out first.
    const latest = this.answering.get(socket);
    if (latest !== undefined && !latest.writableFinished) {
      socket.end();
      return;
    }
    if (status === null || !socket.writable) {
      socket.destroy();
      return;
    }
    this.writeRaw(socket, status, undefined, undefined);
  };

  /** An error page written straight to a socket nginx would not keep, with the headers of a Kong-made answer. */
  private writeRaw(socket: Duplex, status: number, accept: string | undefined, contentType: string | undefined): void {
    const requestId = newRequestId();
    const page = OWN_PAGE_STATUSES.has(status)
      ? { status, contentType: 'text/html', body: ownPage(status) }
      : errorPage(status, accept, contentType, requestId);
    const lines: [string, string][] = [
      ['Date', new Date().toUTCString()],
      ['Content-Type', page.contentType],
      ['Content-Length', String(Buffer.byteLength(page.body))],
      ['Connection', 'close'],
    ];
    const enabled = this.settings.headers;
    if (enabled.has('Server')) lines.push(['Server', SERVER_TOKENS]);
    if (enabled.has('X-Kong-Response-Latency')) lines.push(['X-Kong-Response-Latency', '0']);
    if (enabled.has('X-Kong-Request-Id')) lines.push(['X-Kong-Request-Id', requestId]);
    const head = `HTTP/1.1 ${page.status} ${STATUS_CODES[page.status]}\r\n${lines.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
    socket.end(head + page.body);
  }

  /** Answers a request nginx refuses: no route, no plugin but the global ones' header_filter. */
  private refuse(res: ServerResponse, answering: Answering, refused: Refusal): void {
    if (OWN_PAGE_STATUSES.has(refused.status)) {
      const body = ownPage(refused.status);
      const headers = new ResponseHeaders();
      headers.set('Content-Type', 'text/html');
      headers.set('Content-Length', Buffer.byteLength(body));
      headers.set('Connection', 'close');
      this.send(res, answering, refused.status, headers, null);
      res.end(body);
      return;
    }
    // The error page can only go by the header lines nginx had read when it refused.
    const raw = answering.req.rawHeaders.slice(0, refused.parsedHeaders * 2);
    const first = (name: string) => {
      for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name) return raw[i + 1];
      return undefined;
    };
    this.nginxError(res, answering, refused.status, null, { accept: first('accept'), contentType: first('content-type') });
  }

  close(): void {
    this.upstreams.close();
    for (const plugin of this.instances.values()) plugin.close?.();
  }

  /** Matches a route, then runs its plugins. */
  private dispatch(req: IncomingMessage, res: ServerResponse, answering: Answering): void {
    const url = answering.requestUri;
    const queryAt = url.indexOf('?');
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    const path = normalizePath(rawPath);
    const match = this.router.match(req.method ?? 'GET', path);
    if (!match) {
      this.answer(res, answering, response.error(404, 'no Route matched with those values'));
      return;
    }
    const { route, prefix } = match;
    const strippedPrefix = route.config.stripPath ? (prefix ?? '/') : null;
    const query = queryAt === -1 ? '' : url.slice(queryAt + 1);
    const peerIp = peerAddress(req);
    const trusted = this.settings.trustedIps.has(peerIp);
    const ctx = new Context(
      answering, res, route.config, route.plugins, path, query, clientAddress(peerIp, answering.headers, this.settings), peerIp, trusted,
      escapePath(upstreamPath(route.config.service?.path ?? '/', path, strippedPrefix)),
    );
    try {
      this.access(ctx, res, match, 0);
    } catch (err) {
      // Answered with the route's plugins collected, so their header_filter runs on the 500 too.
      this.failed(res, ctx, err);
    }
  }

  /**
   * Runs the route's access handlers from `from` on, in order; a plugin that
   * waits (returns a promise) resumes the rest when it is done.
   */
  private access(ctx: Context, res: ServerResponse, match: Candidate<Route>, from: number): void {
    const plugins = match.route.plugins;
    for (let i = from; i < plugins.length; i++) {
      const result = plugins[i].access?.(ctx);
      if (result instanceof Promise) {
        result.then(
          (exit) => (exit ? this.answer(res, ctx, exit) : this.access(ctx, res, match, i + 1)),
          (err: unknown) => this.failed(res, ctx, err),
        ).catch((err: unknown) => this.failed(res, ctx, err));
        return;
      }
      if (result) {
        this.answer(res, ctx, result);
        return;
      }
    }
    const service = match.route.config.service;
    if (!service) {
      this.answer(res, ctx, response.error(503, 'no Service found with those values'));
      return;
    }
    this.forward(ctx, res, match, service).catch((err: unknown) => this.failed(res, ctx, err));
  }

  /** A plugin (or the gateway) threw: Kong logs it and answers 500. */
  private failed(res: ServerResponse, answering: Answering, err: unknown): void {
    // A reported failure needs its message only; anything else may be a bug, so with its stack.
    console.error(`gateway proxy: ${answering.req.method} ${answering.req.url} failed:`, err instanceof PluginError ? err.message : err);
    if (!res.headersSent) this.answer(res, answering, response.error(500, 'An unexpected error occurred'));
    else res.destroy();
  }

  /** Sends an answer Kong itself makes (kong.response.exit or .error). */
  private answer(res: ServerResponse, answering: Answering, exit: Exit): void {
    if (exit.type === 'error' && exit.status < 400) {
      // kong.response.error refuses such a status: the calling plugin fails.
      this.failed(res, answering, new Error(`kong.response.error: code must be a number between 400 and 599, got ${exit.status}`));
      return;
    }
    const exitHeaders = Object.entries(exit.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'transfer-encoding');
    for (const [name, value] of exitHeaders) {
      validateHeaderName(name);
      for (const item of Array.isArray(value) ? value : [value]) validateHeaderValue(name, item);
    }
    const headers = new ResponseHeaders();
    for (const [name, value] of Object.entries(answering.responseHeaders)) headers.set(name, value);
    for (const [name, value] of exitHeaders) headers.set(name, value as string | number | readonly string[]);
    const has = (name: string) => exitHeaders.some(([n]) => n.toLowerCase() === name);

    let body: Buffer | string | undefined;
    if (exit.type === 'error') {
      // A repeated Accept counts as one, joined as Kong joins it.
      const accept = answering.headers.values('accept');
      const contentType = errorContentType(accept.length === 0 ? undefined : accept.join(','));
      body = errorBody(contentType, exit.message, answering.requestId);
      if (contentType === '') headers.clear('Content-Type');
      else headers.set('Content-Type', contentType);
    } else if (exit.body === undefined || Buffer.isBuffer(exit.body)) {
      body = exit.body;
    } else {
      body = cjsonEncode(exit.body);
      if (!has('content-type')) headers.set('Content-Type', 'application/json; charset=utf-8');
    }
    if (!has('content-length')) headers.set('Content-Length', body === undefined ? 0 : Buffer.byteLength(body));
    if (exit.status === 204) {
      // nginx sends no body, type or length with a 204.
      body = undefined;
      headers.clear('Content-Type');
      headers.clear('Content-Length');
    } else if (exit.status === 304) {
      body = undefined;
    }
    this.send(res, answering, exit.status, headers, null);
    res.end(body);
  }

  /**
   * Kong's header_filter: the collected plugins' handlers, then the headers
   * the runloop adds (after the plugins, so they cannot be overridden), then
   * the status line and headers go out. The caller sends the body.
   */
  private send(res: ServerResponse, answering: Answering, status: number, headers: ResponseHeaders, proxied: Proxied | null, reason?: string): void {
    const enabled = this.settings.headers;
    // Opt-in, and set before the plugins' header_filter, which may change it.
    if (proxied && enabled.has('X-Kong-Upstream-Status')) headers.set('X-Kong-Upstream-Status', proxied.upstreamStatus);
    for (const plugin of answering.collected) {
      try {
        plugin.headerFilter?.(answering, headers, status);
      } catch (err) {
        // Kong has no answer for a header_filter failure (it is already answering): logged, and the answer goes on.
        console.error(`gateway proxy: ${answering.req.method} ${answering.req.url}: header_filter failed:`, err);
      }
    }
    if (proxied) {
      if (enabled.has('X-Kong-Upstream-Latency')) headers.set('X-Kong-Upstream-Latency', proxied.upstreamLatency);
      if (enabled.has('X-Kong-Proxy-Latency')) headers.set('X-Kong-Proxy-Latency', proxied.proxyLatency);
      if (enabled.has('Via')) headers.set('Via', proxied.upstreamVia === undefined ? OUTBOUND_VIA : `${proxied.upstreamVia}, ${OUTBOUND_VIA}`);
      // Kong fills in Server only when the upstream sent none; with Server
      // turned off nginx's own (server_tokens off) shows instead.
      if (!headers.has('Server')) headers.set('Server', enabled.has('Server') ? SERVER_TOKENS : 'openresty');
    } else {
      if (enabled.has('X-Kong-Response-Latency')) {
        headers.set('X-Kong-Response-Latency', Math.max(0, Date.now() - answering.startedAt - answering.waitingTime));
      }
      // A plugin answering with its own `Via: kong/<version>` keeps Kong's Server header off.
      if (!(enabled.has('Via') && headers.get('Via') === SERVER_TOKENS)) {
        if (enabled.has('Server')) headers.set('Server', SERVER_TOKENS);
        else headers.clear('Server');
      }
    }
    if (enabled.has('X-Kong-Request-Id')) headers.set('X-Kong-Request-Id', answering.requestId);
    if (reason === undefined) res.writeHead(status, headers.raw());
    else res.writeHead(status, reason, headers.raw());
  }

  /**
   * Sends the request on as Kong's nginx would, then the answer back. A try
   * that fails before the answer's head arrives is tried again, up to the
   * service's `retries` more times, as nginx's proxy_next_upstream (error
   * timeout) with Kong's set_more_tries does it: a POST, PATCH or LOCK that
   * may have reached the upstream is never sent twice; a failure on a
   * kept-alive connection does not use up a try. The body is read whole
   * first (nginx buffers it too), so every try sends the same bytes.
   */
  private async forward(ctx: Context, res: ServerResponse, match: Candidate<Route>, service: ServiceConfig): Promise<void> {
    const body = ctx.bodyNow() ?? (await ctx.readBody());
    const call = this.upstreamCall(ctx, match, service, body);
    let tries = service.retries + 1;
    let tryStarted: number;
    let answer: UpstreamAnswer;
    for (;;) {
      tryStarted = Date.now();
      try {
        answer = await this.upstreams.send(service, call);
        break;
      } catch (err) {
        const failure = err as TryFailure;
        if (failure.reused && failure.kind === 'error') tries += 1;
        tries -= 1;
        const retriable = (failure.kind === 'error' || failure.kind === 'timeout') && !(failure.sent && NON_IDEMPOTENT.has(call.method));
        if (!retriable || tries === 0 || res.destroyed) {
          this.upstreamFailed(res, ctx, failure, tryStarted);
          return;
        }
      }
    }
    const headers = this.proxiedHeaders(ctx, answer.rawHeaders);
    const proxied: Proxied = {
      proxyLatency: tryStarted - ctx.startedAt,
      upstreamLatency: Date.now() - tryStarted,
      upstreamVia: sentVia(answer.rawHeaders) ? headers.values('Via').join(', ') : undefined,
      upstreamStatus: answer.status,
    };
    this.send(res, ctx, answer.status, headers, proxied, answer.statusText);
    answer.pipe(res);
  }

  /** The upstream answer's headers after nginx's proxy module and Kong's header_filter.before. */
  private proxiedHeaders(ctx: Context, raw: string[]): ResponseHeaders {
    // Headers a plugin set in access come first, as in nginx's list; the upstream's follow.
    const headers = new ResponseHeaders();
    for (const [name, value] of Object.entries(ctx.responseHeaders)) headers.add(name, value);
    const connection: string[] = [];
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      if (name === 'connection') connection.push(raw[i + 1]);
      if (!NOT_PASSED.has(name)) headers.add(raw[i], raw[i + 1]);
    }
    // Headers the upstream names in its Connection header are for the gateway, not the client.
    const named = connection.join(', ');
    if (named !== '' && named !== 'keep-alive' && named !== 'close' && named !== 'upgrade') {
      for (const name of csv(named)) if (!['close', 'upgrade', 'keep-alive'].includes(name)) headers.clear(name);
    }
    // The gateway upgrades no connection, so an upstream's Upgrade never matches what was asked.
    headers.clear('Upgrade');
    // Trailers are for clients that said they take them (TE: trailers).
    if (!csv(ctx.headers.get('te') ?? '').includes('trailers')) headers.clear('Trailer');
    return headers;
  }

  /**
   * An upstream that failed before answering. A name that does not resolve is
   * Kong's balancer answering (kong.response.error); the rest is nginx's 502
   * or 504 through Kong's error handler, an answer that still counts as proxied.
   */
  private upstreamFailed(res: ServerResponse, ctx: Context, failure: TryFailure, tryStarted: number): void {
    if (failure.kind === 'dns') {
      this.answer(res, ctx, response.error(503, 'name resolution failed'));
      return;
    }
    const status = failure.kind === 'timeout' ? 504 : 502;
    const proxied: Proxied = { proxyLatency: tryStarted - ctx.startedAt, upstreamLatency: Date.now() - tryStarted, upstreamVia: undefined, upstreamStatus: status };
    this.nginxError(res, ctx, status, proxied);
  }

  /** An error nginx raises, answered by Kong's error handler (error_page). */
  private nginxError(
    res: ServerResponse, answering: Answering, status: number, proxied: Proxied | null,
    negotiation = { accept: answering.headers.get('accept'), contentType: answering.headers.get('content-type') },
  ): void {
    const page = errorPage(status, negotiation.accept, negotiation.contentType, answering.requestId);
    const headers = new ResponseHeaders();
    for (const [name, value] of Object.entries(answering.responseHeaders)) headers.set(name, value);
    if (page.contentType !== '') headers.set('Content-Type', page.contentType);
    headers.set('Content-Length', Buffer.byteLength(page.body));
    // nginx does not keep a connection whose request it could not make sense of.
    if ([400, 413, 414, 500, 501].includes(status)) headers.set('Connection', 'close');
    this.send(res, answering, page.status, headers, proxied);
    res.end(page.body);
  }

  /** The request as Kong's nginx template sends it upstream. */
  private upstreamCall(ctx: Context, { route, prefix }: Candidate<Route>, service: ServiceConfig, body: Buffer): UpstreamCall {
    const { req, headers } = ctx;
    const clientHost = headers.get('host');
    const host = route.config.preserveHost ? (clientHost ?? service.url.host) : service.url.host;
    const lines: string[] = [];
    const te = headers.get('te');
    if (te !== undefined && csv(te).includes('trailers')) lines.push('TE', 'trailers');
    const via = joined(headers, 'via');
    const inbound = `${httpVersion(req)} ${SERVER_TOKENS}`;
    lines.push('Via', via === undefined ? inbound : `${via}, ${inbound}`);
    lines.push('Host', host);
    const forwardedFor = joined(headers, 'x-forwarded-for');
    lines.push('X-Forwarded-For', forwardedFor === undefined ? ctx.clientIp : `${forwardedFor}, ${ctx.peerIp}`);
    lines.push('X-Forwarded-Proto', told(ctx, 'x-forwarded-proto') ?? 'http');
    lines.push('X-Forwarded-Host', told(ctx, 'x-forwarded-host') ?? (clientHost ? clientHost.replace(/:\d+$/, '').toLowerCase() : 'kong'));
    lines.push('X-Forwarded-Port', told(ctx, 'x-forwarded-port') ?? String(req.socket.localPort));
    const queryAt = ctx.requestUri.indexOf('?');
    lines.push('X-Forwarded-Path', told(ctx, 'x-forwarded-path') ?? (queryAt === -1 ? ctx.requestUri : ctx.requestUri.slice(0, queryAt)));
    const strippedPrefix = route.config.stripPath ? (prefix ?? '/') : null;
    const forwardedPrefix = told(ctx, 'x-forwarded-prefix') ?? (strippedPrefix !== '/' ? strippedPrefix : null);
    if (forwardedPrefix !== null) lines.push('X-Forwarded-Prefix', forwardedPrefix);
    lines.push('X-Real-IP', ctx.clientIp);
    lines.push('X-Kong-Request-Id', ctx.requestId);
    // nginx sends the length of the body it read, when the request has one (the pool writes Content-Length).
    const hasBody = headers.get('content-length') !== undefined || headers.get('transfer-encoding') !== undefined || body.length > 0;

    // Headers the client names in Connection are hop-by-hop too.
    let dropped = SET_BY_KONG;
    const connection = joined(headers, 'connection');
    if (connection !== undefined && connection !== 'keep-alive' && connection !== 'close' && connection !== 'upgrade') {
      dropped = new Set(SET_BY_KONG); // SET_BY_KONG itself is shared by every request
      for (const name of csv(connection)) dropped.add(name.toLowerCase());
    }
    headers.forEachSent((name, value) => {
      if (!dropped.has(name.toLowerCase())) lines.push(name, value);
    });

    // A query, even an empty one the client sent as a bare '?', keeps its '?'.
    const query = ctx.upstreamQuery !== '' || ctx.requestUri.endsWith('?') ? `?${ctx.upstreamQuery}` : '';
    return { method: req.method ?? 'GET', path: ctx.upstreamPath + query, headers: lines, host, body: hasBody ? body : null };
  }

}


/**
 * A request that has no body, known without reading: one already complete,
 * or one that announces none (nor waits to be told to send it). Node emits
 * the request before its parser has marked a bodiless one complete.
 */
function hasNoBody(req: IncomingMessage, headers: RequestHeaders): boolean {
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
