// The Kong-compatible local gateway: a proxy and an Admin API configured by
// kong/kong.yml, for machines without Docker. Real Kong (3.9) is the reference:
// where the two differ, Kong's source settles it.
//
// Layout (as Kong's own source is split):
//   index.ts, cli.ts      entry points: startGateway() in-process, cli.ts as a process
//   core/                 what Kong's runloop, DB layer and Admin API do; names no plugin
//     config.ts schema.ts   kong.yml loader (decK env substitution) and its value checks
//     settings.ts           kong.conf-like settings: headers, trusted_ips, real_ip_*
//     router.ts uri.ts      route matching, upstream path joining, path normalization
//     proxy.ts              the proxy listener's request loop: refusals, route, plugin phases, upstream, answer
//     context.ts            the request matched to a route, as plugins see it (body read once)
//     forwarded-headers.ts  the request's headers as sent upstream, the answer's as passed back
//     kong-headers.ts       the headers Kong adds to answers (Server, Via, latencies, request id)
//     kong-answers.ts respond.ts   answers Kong makes itself (exit, error, nginx's error pages); their formats
//     raw-pages.ts          pages written straight to a socket (CONNECT, what Node's parser refused)
//     upstream.ts retries.ts   one try of the upstream call; when nginx tries again
//     nginx.ts realip.ts    what nginx refuses before Kong runs; the client address behind proxies
//     headers.ts args.ts body.ts   request/answer headers, query and body as Kong's PDK sees them
//     admin.ts              Admin API: generic endpoints for consumers and registered entities
//     entities.ts consumers.ts store.ts   entity rules, the consumer entity, in-memory store + JSON file
//     plugin.ts             the plugin contract (handler, schema, daos, request context)
//   plugins/index.ts      the registry: the one list of plugins the core knows
//   plugins/<name>/       one plugin: handler.ts (NAME, PRIORITY, access), schema.ts (config
//                         and defaults), daos.ts (its Admin API entities, if any)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAdminHandler } from './core/admin';
import { applyDeclaredConsumers, loadConfig } from './core/config';
import { GatewayProxy } from './core/proxy';
import { parseSettings } from './core/settings';
import { Store } from './core/store';
import { PLUGINS } from './plugins';

export { ConfigError } from './core/config';

export const DEFAULT_CONFIG_PATH = path.resolve(__dirname, '..', 'kong.yml');

export interface GatewayOptions {
  configPath?: string;
  proxyHost?: string;
  proxyPort?: number;
  adminHost?: string;
  adminPort?: number;
  /** JSON file keeping consumers and credentials across restarts; null or absent keeps them in memory. */
  dataFile?: string | null;
  /** The gateway's environment: `${{ env "DECK_..." }}` values, AWS_* for aws-lambda (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** One line per request on stdout. */
  log?: boolean;
  /**
   * Kong's `headers` setting: which of Kong's own headers answers carry
   * (`server_tokens`, `latency_tokens`, header names, or `off`); default
   * `server_tokens, latency_tokens, X-Kong-Request-Id`.
   */
  headers?: string;
  /** Kong's `trusted_ips`: peers whose forwarding headers are believed (addresses, CIDR blocks; default none). */
  trustedIps?: string;
  /** Kong's `real_ip_header` (default X-Real-IP): where a trusted peer names the client. */
  realIpHeader?: string;
  /** Kong's `real_ip_recursive` (default off). */
  realIpRecursive?: boolean | string;
}

export interface Gateway {
  proxyUrl: string;
  adminUrl: string;
  close(): Promise<void>;
}

/** A listener that could not start: which one, where, and why. */
export class ListenError extends Error {
  constructor(readonly listener: 'proxy' | 'admin', readonly host: string, readonly port: number, cause: NodeJS.ErrnoException) {
    super(
      cause.code === 'EADDRINUSE'
        ? `${listener} port ${port} on ${host} is already in use`
        : `cannot listen for the ${listener} on ${host}:${port}: ${cause.message}`,
    );
  }
}

function listen(server: Server, listener: 'proxy' | 'admin', host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new ListenError(listener, host, port, err)));
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve(`http://${shownHost}:${address.port}`);
    });
  });
}

/** Stops accepting, lets requests in flight finish briefly, then cuts what is left. */
function closeServer(server: Server): Promise<void> {
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), 2000).unref();
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const env = options.env ?? process.env;
  const settings = parseSettings(options);
  const config = loadConfig(options.configPath ?? DEFAULT_CONFIG_PATH, env, PLUGINS);
  const store = new Store(PLUGINS.flatMap((plugin) => plugin.daos ?? []), options.dataFile ?? null);
  applyDeclaredConsumers(store, config.consumers);
  const proxy = new GatewayProxy(config, { store, env }, settings, options.log ?? false);
  // Node must let through what nginx takes (a larger head, HTTP/1.1 without
  // Host): the proxy refuses what nginx refuses, with Kong's error pages.
  const proxyServer = createServer({ maxHeaderSize: 64 * 1024, requireHostHeader: false }, proxy.handle);
  // nginx sends `100 Continue` only when the body is read; Node would send it at once.
  proxyServer.on('checkContinue', proxy.handle);
  proxyServer.on('connect', proxy.handleConnect);
  proxyServer.on('clientError', proxy.clientError);
  const adminServer = createServer(createAdminHandler(store, config, PLUGINS, settings, options.log ?? false));
  // Kong keeps idle client connections for 60 s (nginx keepalive_timeout).
  proxyServer.keepAliveTimeout = 60_000;

  const close = async () => {
    await Promise.all([closeServer(proxyServer), closeServer(adminServer)]);
    proxy.close();
    await store.flush();
  };
  try {
    const proxyUrl = await listen(proxyServer, 'proxy', options.proxyHost ?? '127.0.0.1', options.proxyPort ?? 8000);
    const adminUrl = await listen(adminServer, 'admin', options.adminHost ?? '127.0.0.1', options.adminPort ?? 8001);
    return { proxyUrl, adminUrl, close };
  } catch (err) {
    await close();
    throw err;
  }
}
