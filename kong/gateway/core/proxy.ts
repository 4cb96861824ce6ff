// The proxy listener: Kong's route matching, the route's plugins, then the
// upstream call through http-proxy-3 with Kong's headers and error answers.
import { randomUUID } from 'node:crypto';
import { Agent as HttpAgent, type IncomingMessage, ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Socket } from 'node:net';
import { createProxyServer, type ProxyServer } from 'http-proxy-3';
import type { GatewayConfig, RouteConfig, ServiceConfig } from './config';
import { kongError, type Exit, type Plugin, type PluginServices, type RequestContext } from './plugin';
import { sendJson } from './respond';
import { Router, upstreamPath, type Candidate } from './router';
import { escapePath, normalizePath } from './uri';

interface Route {
  config: RouteConfig;
  /** Instances of the route's plugins, in Kong's run order. */
  plugins: Plugin[];
  proxy: ProxyServer;
  /** The upstream Host header, or null to keep the client's (preserve_host). */
  upstreamHost: string | null;
}

class UpstreamTimeout extends Error {}

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

export class GatewayProxy {
  private readonly router: Router<Route>;
  private readonly agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

  constructor(config: GatewayConfig, services: PluginServices, private readonly log: boolean) {
    const proxyByService = new Map<ServiceConfig, ProxyServer>();
    const routes = config.routes.map((routeConfig): Route => {
      const service = routeConfig.service;
      if (!proxyByService.has(service)) proxyByService.set(service, this.createUpstreamProxy(service));
      return {
        config: routeConfig,
        plugins: routeConfig.plugins.map((p) => new p.module.handler(p.config, services)),
        proxy: proxyByService.get(service)!,
        upstreamHost: routeConfig.preserveHost ? null : service.url.host,
      };
    });
    this.router = new Router(routes);
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = randomUUID().replaceAll('-', ''); // Kong's are 32 hex digits too
    try {
      this.dispatch(req, res, requestId);
    } catch (err) {
      // A bug must cost one request, not the gateway.
      console.error(`gateway proxy: ${req.method} ${req.url} failed:`, err);
      if (!res.headersSent) sendJson(res, 500, kongError('An unexpected error occurred', requestId));
      else res.destroy();
    }
  };

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  /** Matches a route, runs its plugins, then forwards or answers. */
  private dispatch(req: IncomingMessage, res: ServerResponse, requestId: string): void {
    res.setHeader('X-Kong-Request-Id', requestId);
    const url = req.url ?? '/';
    if (this.log) {
      const started = Date.now();
      res.on('finish', () => console.log(`proxy ${req.method} ${url} ${res.statusCode} ${Date.now() - started}ms`));
    }
    const queryAt = url.indexOf('?');
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    const path = normalizePath(rawPath);
    const match = this.router.match(req.method ?? 'GET', path);
    if (!match) {
      sendJson(res, 404, kongError('no Route matched with those values', requestId));
      return;
    }
    const ctx: RequestContext = {
      req,
      requestId,
      path,
      query: queryAt === -1 ? '' : url.slice(queryAt + 1),
      clientIp: clientAddress(req),
      service: match.route.config.service,
      responseHeaders: {},
    };
    for (const plugin of match.route.plugins) {
      const exit: Exit | undefined = plugin.access(ctx);
      if (exit) {
        sendJson(res, exit.status, exit.body, { ...ctx.responseHeaders, ...exit.headers });
        return;
      }
    }
    for (const [name, value] of Object.entries(ctx.responseHeaders)) res.setHeader(name, value);
    this.forward(ctx, res, match, rawPath, queryAt === -1 ? '' : url.slice(queryAt));
  }

  /** Sends the request on as Kong's nginx would: its headers, the joined path, the raw query. */
  private forward(ctx: RequestContext, res: ServerResponse, { route, prefix }: Candidate<Route>, rawPath: string, search: string): void {
    const { req } = ctx;
    const strippedPrefix = route.config.stripPath ? (prefix ?? '/') : null;
    this.setUpstreamHeaders(req, ctx, rawPath, strippedPrefix);
    if (route.upstreamHost !== null) req.headers.host = route.upstreamHost;
    req.url = escapePath(upstreamPath(route.config.service.path, ctx.path, strippedPrefix)) + search;
    route.proxy.web(req, res);
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
    // The upstream's keep-alive terms are between it and the gateway, not for the client.
    proxy.on('proxyRes', (proxyRes) => {
      delete proxyRes.headers['keep-alive'];
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
    sendJson(res, status, kongError(message, String(res.getHeader('X-Kong-Request-Id'))));
  };
}
