// The proxy listener: Kong's route matching, the route's plugins, then the
// upstream call through http-proxy-3 with Kong's headers and error answers.
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, type IncomingMessage, ServerResponse, validateHeaderName, validateHeaderValue } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import { encode as cjsonEncode } from './cjson';
import type { GatewayConfig, RouteConfig, ServiceConfig } from './config';
import { RequestHeaders } from './headers';
import { PluginError, response, type Exit, type Plugin, type PluginServices, type RequestContext } from './plugin';
import { errorBody, errorContentType, sendJson } from './respond';
import { Router, upstreamPath, type Candidate } from './router';
import { escapePath, normalizePath } from './uri';
import { KONG_VERSION } from './util';

interface Route {
  config: RouteConfig;
  /** Instances of the route's plugins, in Kong's run order. */
  plugins: Plugin[];
  /** Null for a route without a service. */
  proxy: ProxyServer | null;
  /** The upstream Host header, or null to keep the client's (preserve_host). */
  upstreamHost: string | null;
}

class UpstreamTimeout extends Error {}

const SERVER_TOKENS = `kong/${KONG_VERSION}`;

// Request headers that never reach the upstream: hop-by-hop ones, and one Kong's nginx sets itself.
const DROPPED_HEADERS = ['keep-alive', 'expect', 'upgrade', 'proxy', 'proxy-connection', 'te', 'x-forwarded-prefix'];

function upstreamError(err: NodeJS.ErrnoException): [number, string] {
  if (err instanceof UpstreamTimeout) return [504, 'The upstream server is timing out'];
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return [503, 'name resolution failed'];
  return [502, 'An invalid response was received from the upstream server'];
}

function clientAddress(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? '';
  return address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
}

/** What a Kong-made answer needs besides the Exit: who asked, and what to add. */
interface Answering {
  req: IncomingMessage;
  headers: RequestHeaders;
  requestId: string;
  startedAt: number;
  waitingTime: number;
  responseHeaders: Record<string, string | number>;
}

export class GatewayProxy {
  private readonly router: Router<Route>;
  private readonly plugins: Plugin[];
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  constructor(config: GatewayConfig, services: PluginServices, private readonly log: boolean) {
    const proxyByService = new Map<ServiceConfig, ProxyServer>();
    const routes = config.routes.map((routeConfig): Route => {
      const service = routeConfig.service;
      if (service && !proxyByService.has(service)) proxyByService.set(service, this.createUpstreamProxy(service));
      return {
        config: routeConfig,
        plugins: routeConfig.plugins.map((p) => new p.module.handler(p.config, services)),
        proxy: service && proxyByService.get(service)!,
        upstreamHost: routeConfig.preserveHost || !service ? null : service.url.host,
      };
    });
    this.router = new Router(routes);
    this.plugins = routes.flatMap((route) => route.plugins);
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const answering: Answering = {
      req,
      headers: new RequestHeaders(req),
      requestId: randomUUID().replaceAll('-', ''), // Kong's are 32 hex digits too
      startedAt: Date.now(),
      waitingTime: 0,
      responseHeaders: {},
    };
    try {
      this.dispatch(req, res, answering);
    } catch (err) {
      this.failed(res, answering, err);
    }
  };

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
    for (const plugin of this.plugins) plugin.close?.();
  }

  /** Matches a route, then runs its plugins. */
  private dispatch(req: IncomingMessage, res: ServerResponse, answering: Answering): void {
    const { requestId } = answering;
    res.setHeader('X-Kong-Request-Id', requestId);
    const url = req.url ?? '/';
    if (this.log) {
      res.on('finish', () => console.log(`proxy ${req.method} ${url} ${res.statusCode} ${Date.now() - answering.startedAt}ms`));
    }
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
    const ctx: RequestContext = Object.assign(answering, {
      path,
      query: queryAt === -1 ? '' : url.slice(queryAt + 1),
      clientIp: clientAddress(req),
      route: route.config,
      service: route.config.service,
      upstreamPath: escapePath(upstreamPath(route.config.service?.path ?? '/', path, strippedPrefix)),
    });
    this.access(ctx, res, match, rawPath, queryAt === -1 ? '' : url.slice(queryAt), 0);
  }

  /**
   * Runs the route's plugins from `from` on, in order; a plugin that waits
   * (returns a promise) resumes the rest when it is done.
   */
  private access(ctx: RequestContext, res: ServerResponse, match: Candidate<Route>, rawPath: string, search: string, from: number): void {
    const plugins = match.route.plugins;
    for (let i = from; i < plugins.length; i++) {
      const result = plugins[i].access(ctx);
      if (result instanceof Promise) {
        result.then(
          (exit) => (exit ? this.answer(res, ctx, exit) : this.access(ctx, res, match, rawPath, search, i + 1)),
          (err: unknown) => this.failed(res, ctx, err),
        ).catch((err: unknown) => this.failed(res, ctx, err));
        return;
      }
      if (result) {
        this.answer(res, ctx, result);
        return;
      }
    }
    if (!match.route.proxy) {
      this.answer(res, ctx, response.error(503, 'no Service found with those values'));
      return;
    }
    for (const [name, value] of Object.entries(ctx.responseHeaders)) res.setHeader(name, value);
    this.forward(ctx, res, match, rawPath, search);
  }

  /** A plugin (or the gateway) threw: Kong logs it and answers 500. */
  private failed(res: ServerResponse, answering: Answering, err: unknown): void {
    // A reported failure needs its message only; anything else may be a bug, so with its stack.
    console.error(`gateway proxy: ${answering.req.method} ${answering.req.url} failed:`, err instanceof PluginError ? err.message : err);
    if (!res.headersSent) this.answer(res, answering, response.error(500, 'An unexpected error occurred'));
    else res.destroy();
  }

  /**
   * Sends an answer Kong itself makes (kong.response.exit or .error), with what
   * Kong adds to those: Server, X-Kong-Response-Latency, X-Kong-Request-Id.
   */
  private answer(res: ServerResponse, answering: Answering, exit: Exit): void {
    if (exit.type === 'error' && exit.status < 400) {
      // kong.response.error refuses such a status: the calling plugin fails.
      this.failed(res, answering, new Error(`kong.response.error: code must be a number between 400 and 599, got ${exit.status}`));
      return;
    }
    const headers = Object.entries(exit.headers ?? {}).filter(([name]) => name.toLowerCase() !== 'transfer-encoding');
    for (const [name, value] of headers) {
      validateHeaderName(name);
      for (const item of Array.isArray(value) ? value : [value]) validateHeaderValue(name, item);
    }
    for (const [name, value] of Object.entries(answering.responseHeaders)) res.setHeader(name, value);
    for (const [name, value] of headers) {
      if (Array.isArray(value) && value.length === 0) res.removeHeader(name);
      else res.setHeader(name, value as string | number | readonly string[]);
    }
    const has = (name: string) => headers.some(([n]) => n.toLowerCase() === name);

    let body: Buffer | string | undefined;
    if (exit.type === 'error') {
      // A repeated Accept counts as one, joined as Kong joins it.
      const accept = answering.headers.values('accept');
      const contentType = errorContentType(accept.length === 0 ? undefined : accept.join(','));
      body = errorBody(contentType, exit.message, answering.requestId);
      if (contentType === '') res.removeHeader('Content-Type');
      else res.setHeader('Content-Type', contentType);
    } else if (exit.body === undefined || Buffer.isBuffer(exit.body)) {
      body = exit.body;
    } else {
      body = cjsonEncode(exit.body);
      if (!has('content-type')) res.setHeader('Content-Type', 'application/json; charset=utf-8');
    }
    if (!has('content-length')) res.setHeader('Content-Length', body === undefined ? 0 : Buffer.byteLength(body));
    if (exit.status === 204) {
      // nginx sends no body, type or length with a 204.
      body = undefined;
      res.removeHeader('Content-Type');
      res.removeHeader('Content-Length');
    } else if (exit.status === 304) {
      body = undefined;
    }

    // Plugins that answer with their own `Via: kong/<version>` keep Kong's Server header off (runloop handler).
    if (res.getHeader('Via') !== SERVER_TOKENS) res.setHeader('Server', SERVER_TOKENS);
    res.setHeader('X-Kong-Response-Latency', Math.max(0, Date.now() - answering.startedAt - answering.waitingTime));
    res.setHeader('X-Kong-Request-Id', answering.requestId);
    res.writeHead(exit.status).end(body);
  }

  /** Sends the request on as Kong's nginx would: its headers, the joined path, the raw query. */
  private forward(ctx: RequestContext, res: ServerResponse, { route, prefix }: Candidate<Route>, rawPath: string, search: string): void {
    const { req } = ctx;
    const strippedPrefix = route.config.stripPath ? (prefix ?? '/') : null;
    this.setUpstreamHeaders(req, ctx, rawPath, strippedPrefix);
    if (route.upstreamHost !== null) req.headers.host = route.upstreamHost;
    req.url = ctx.upstreamPath + search;
    route.proxy!.web(req, res);
  }

  /** What Kong's nginx sets on every proxied request. */
  private setUpstreamHeaders(req: IncomingMessage, ctx: RequestContext, rawPath: string, strippedPrefix: string | null): void {
    const headers = req.headers;
    // Headers named in Connection are hop-by-hop too.
    const connection = headers.connection?.toLowerCase();
    if (connection && connection !== 'keep-alive' && connection !== 'close' && connection !== 'upgrade') {
      for (const name of connection.split(',')) delete headers[name.trim()];
    }
    for (const name of DROPPED_HEADERS) delete headers[name];
    headers.connection = 'keep-alive';
    const forwardedFor = headers['x-forwarded-for'];
    headers['x-forwarded-for'] = forwardedFor ? `${forwardedFor}, ${ctx.clientIp}` : ctx.clientIp;
    headers['x-forwarded-proto'] = 'http';
    headers['x-forwarded-host'] = headers.host ? headers.host.replace(/:\d+$/, '').toLowerCase() : 'kong';
    headers['x-forwarded-port'] = String(req.socket.localPort);
    headers['x-forwarded-path'] = rawPath;
    if (strippedPrefix !== null && strippedPrefix !== '/') headers['x-forwarded-prefix'] = strippedPrefix;
    headers['x-real-ip'] = ctx.clientIp;
    headers['x-kong-request-id'] = ctx.requestId;
  }

  private createUpstreamProxy(service: ServiceConfig): ProxyServer {
    const proxy = createProxyServer({
      target: new URL(service.url.origin), // a URL object: http-proxy-3 would re-parse a string per request
      agent: service.url.protocol === 'https:' ? this.agents.https : this.agents.http,
      toProxy: true, // req.url is already the exact upstream path: no re-parsing
      prependPath: false,
    });
    proxy.on('proxyReq', (proxyReq, _req, _res, _options, socket: Socket) => {
      const timeout = () => proxyReq.destroy(new UpstreamTimeout());
      if (socket.connecting) {
        const timer = setTimeout(timeout, service.connectTimeout);
        socket.once('connect', () => clearTimeout(timer));
        proxyReq.once('close', () => clearTimeout(timer));
      }
      proxyReq.setTimeout(service.readTimeout, timeout);
    });
    proxy.on('proxyRes', (proxyRes) => {
      // The upstream's keep-alive terms are between it and the gateway, not for the client.
      delete proxyRes.headers['keep-alive'];
      // Every answer carries Kong's own request id, whatever the upstream sent.
      delete proxyRes.headers['x-kong-request-id'];
    });
    proxy.on('error', this.onUpstreamError);
    return proxy;
  }

  private readonly onUpstreamError = (err: Error, _req: IncomingMessage, res: ServerResponse | Socket): void => {
    if (!(res instanceof ServerResponse) || res.destroyed) return;
    if (res.headersSent) {
      res.destroy(); // the upstream failed mid-response: the client must not take it as complete
      return;
    }
    const [status, message] = upstreamError(err);
    sendJson(res, status, { message, request_id: String(res.getHeader('X-Kong-Request-Id')) });
  };
}
