// The proxy listener: Kong's runloop for what the gateway implements. The
// request loop lives here: nginx's refusals (core/nginx.ts), route matching
// (core/router.ts), the route's plugins (access, then header_filter on every
// answer), the upstream call with its retries (core/upstream.ts,
// core/retries.ts). What each step writes lives beside it: the matched
// request (core/context.ts), the headers sent upstream and passed back
// (core/forwarded-headers.ts), the headers Kong adds to answers
// (core/kong-headers.ts), the answers Kong makes itself (core/kong-answers.ts)
// and the pages written straight to a socket (core/raw-pages.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayConfig, PluginConfig, RouteConfig, ServiceConfig } from './config';
import { Context, type Answering } from './context';
import { passedOnHeaders, sentVia, upstreamCall } from './forwarded-headers';
import { RequestHeaders, ResponseHeaders } from './headers';
import { errorPageAnswer, exitAnswer } from './kong-answers';
import { afterHeaderFilter, beforeHeaderFilter, type Proxied } from './kong-headers';
import { ownPage, OWN_PAGE_STATUSES, parserRefusal, refusal, requestPath, type Refusal } from './nginx';
import { PluginError, response, type Exit, type Plugin, type PluginServices } from './plugin';
import { writeRawPage } from './raw-pages';
import { clientAddress } from './realip';
import { firstTries, triesAfter } from './retries';
import { Router, upstreamPath, type Candidate } from './router';
import type { GatewaySettings } from './settings';
import { Upstreams, type TryFailure, type UpstreamAnswer } from './upstream';
import { escapePath, normalizePath } from './uri';
import { newRequestId } from './util';

interface Route {
  config: RouteConfig;
  /** The route's plugin instances, in Kong's run order. */
  plugins: Plugin[];
}

function peerAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** The first of a header's lines among the first `lines` raw lines nginx had read, if any. */
function firstRead(raw: readonly string[], lines: number, name: string): string | undefined {
  const end = Math.min(lines * 2, raw.length);
  for (let i = 0; i < end; i += 2) if (raw[i].toLowerCase() === name) return raw[i + 1];
  return undefined;
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
    writeRawPage(socket, refused.status, first('accept'), first('content-type'), this.settings.headers);
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
    writeRawPage(socket, status, undefined, undefined, this.settings.headers);
  };

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
    const raw = answering.req.rawHeaders;
    this.nginxError(res, answering, refused.status, null, firstRead(raw, refused.parsedHeaders, 'accept'), firstRead(raw, refused.parsedHeaders, 'content-type'));
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
    const headers = new ResponseHeaders();
    const body = exitAnswer(exit, answering.responseHeaders, answering.headers.values('accept'), answering.requestId, headers);
    this.send(res, answering, exit.status, headers, null);
    res.end(body);
  }

  /** An error nginx raises, answered by Kong's error handler (error_page). */
  private nginxError(res: ServerResponse, answering: Answering, status: number, proxied: Proxied | null, accept: string | undefined, contentType: string | undefined): void {
    const headers = new ResponseHeaders();
    const page = errorPageAnswer(status, answering.responseHeaders, accept, contentType, answering.requestId, headers);
    this.send(res, answering, page.status, headers, proxied);
    res.end(page.body);
  }

  /**
   * Kong's header_filter: the collected plugins' handlers, then the headers
   * the runloop adds (after the plugins, so they cannot be overridden), then
   * the status line and headers go out. The caller sends the body.
   */
  private send(res: ServerResponse, answering: Answering, status: number, headers: ResponseHeaders, proxied: Proxied | null, reason?: string): void {
    const enabled = this.settings.headers;
    beforeHeaderFilter(headers, enabled, proxied);
    for (const plugin of answering.collected) {
      try {
        plugin.headerFilter?.(answering, headers, status);
      } catch (err) {
        // Kong has no answer for a header_filter failure (it is already answering): logged, and the answer goes on.
        console.error(`gateway proxy: ${answering.req.method} ${answering.req.url}: header_filter failed:`, err);
      }
    }
    afterHeaderFilter(headers, enabled, proxied, answering.requestId, answering.startedAt, answering.waitingTime, proxied === null ? Date.now() : 0);
    if (reason === undefined) res.writeHead(status, headers.raw());
    else res.writeHead(status, reason, headers.raw());
  }

  /**
   * Sends the request on as Kong's nginx would, then the answer back. A try
   * that fails before the answer's head arrives is tried again as
   * core/retries.ts decides (nginx's proxy_next_upstream with Kong's
   * set_more_tries). The body is read whole first (nginx buffers it too), so
   * every try sends the same bytes.
   */
  private async forward(ctx: Context, res: ServerResponse, match: Candidate<Route>, service: ServiceConfig): Promise<void> {
    const body = ctx.bodyNow() ?? (await ctx.readBody());
    const call = upstreamCall(ctx, match.route.config, match.prefix, service, body);
    let tries = firstTries(service.retries);
    let tryStarted: number;
    let answer: UpstreamAnswer;
    for (;;) {
      tryStarted = Date.now();
      try {
        answer = await this.upstreams.send(service, call);
        break;
      } catch (err) {
        const failure = err as TryFailure;
        tries = triesAfter(failure, tries, call.method);
        if (tries === 0 || res.destroyed) {
          this.upstreamFailed(res, ctx, failure, tryStarted);
          return;
        }
      }
    }
    const headers = passedOnHeaders(ctx.responseHeaders, answer.rawHeaders, ctx.headers.get('te'));
    const proxied: Proxied = {
      proxyLatency: tryStarted - ctx.startedAt,
      upstreamLatency: Date.now() - tryStarted,
      upstreamVia: sentVia(answer.rawHeaders) ? headers.values('Via').join(', ') : undefined,
      upstreamStatus: answer.status,
    };
    this.send(res, ctx, answer.status, headers, proxied, answer.statusText);
    answer.pipe(res);
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
    this.nginxError(res, ctx, status, proxied, ctx.headers.get('accept'), ctx.headers.get('content-type'));
  }
}
