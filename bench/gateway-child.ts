/**
 * One gateway under measurement, in a process of its own (see gateway-alone.ts):
 * GATEWAY_MODE=plugins: the local gateway with kong.yml's info route, its
 *   plugins as they are there (jwt, rate-limiting per consumer), before a
 *   plain HTTP upstream at UPSTREAM_URL instead of its aws-lambda plugin;
 * GATEWAY_MODE=aws-lambda: the same route as kong.yml has it, aws-lambda
 *   included, invoking FUNCTION_NAME at the Invoke API on LAMBDA_PORT;
 * GATEWAY_MODE=bare: a reverse proxy on the libraries the gateway proxies
 *   with (node:http's server, undici's pool), without routing, plugins or
 *   Kong's headers, to UPSTREAM_URL.
 * Answers any message with its CPU usage so far; ends when the parent leaves.
 */
import { readFile, mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool, type Dispatcher } from 'undici';
import YAML from 'yaml';
import { startGateway } from '../kong/gateway';
import { substituteEnv } from '../kong/gateway/core/config';
import { answerHeaderLines } from '../kong/gateway/core/upstream';
import { DEFAULT_RATE_LIMITS, DEFAULT_SESSION_CACHE_TTL_SECONDS, REPO_ROOT } from '../scripts/stack';
import { deckEnv } from '../scripts/stack/gateway';

/** A rate limit far above the load, so that the plugin counts every request but refuses none. */
const UNLIMITED_PER_MINUTE = 1_000_000_000;

interface Plugin {
  name: string;
  config?: Record<string, unknown>;
}
interface Route {
  name: string;
  plugins?: Plugin[];
  [key: string]: unknown;
}
interface Service {
  name: string;
  plugins?: Plugin[];
  routes?: Route[];
}

/**
 * decK's values as the local stack sets them, the protected limit raised out
 * of the way and functions named as the Invoke stand-in knows them: kong.yml
 * is read as decK renders it (its templates are text, not YAML).
 */
function benchDeckEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ...deckEnv({
      lambdaPort: Number(process.env.LAMBDA_PORT ?? 0),
      proxyPort: 0,
      sessionCacheTtlSeconds: DEFAULT_SESSION_CACHE_TTL_SECONDS,
      rateLimits: { ...DEFAULT_RATE_LIMITS, protected: UNLIMITED_PER_MINUTE },
      rateLimitPolicy: { policy: 'local' },
      corsOrigins: [],
    }),
    DECK_FUNCTION_PREFIX: '',
    DECK_AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
  };
}

/** kong.yml's info route alone, as kong.yml configures it, or before an HTTP service instead of aws-lambda. */
async function infoRouteConfig(mode: 'plugins' | 'aws-lambda', env: NodeJS.ProcessEnv): Promise<string> {
  const file = path.join(REPO_ROOT, 'kong', 'kong.yml');
  const kongYml = YAML.parse(substituteEnv(await readFile(file, 'utf8'), env, file));
  const service = (kongYml.services as Service[]).find((candidate) => candidate.routes?.some((route) => route.name === 'info'));
  const route = service?.routes?.find((candidate) => candidate.name === 'info');
  if (!service || !route) throw new Error('kong.yml has no route named info');
  // Its service's plugins (jwt, rate-limiting) on the route itself, where a plugin of the route's own replaces one of the service's, as in Kong.
  const own = new Set((route.plugins ?? []).map((plugin) => plugin.name));
  const info: Route = { ...route, plugins: [...(service.plugins ?? []).filter((plugin) => !own.has(plugin.name)), ...(route.plugins ?? [])] };
  const document: Record<string, unknown> = { _format_version: kongYml._format_version, _info: kongYml._info };
  if (mode === 'plugins') {
    const plugins = (info.plugins ?? []).filter((plugin) => plugin.name !== 'aws-lambda');
    document.services = [{ name: 'upstream', url: process.env.UPSTREAM_URL, routes: [{ ...info, plugins }] }];
  } else {
    const plugins = (info.plugins ?? []).map((plugin) =>
      plugin.name === 'aws-lambda' ? { ...plugin, config: { ...plugin.config, function_name: process.env.FUNCTION_NAME } } : plugin,
    );
    document.routes = [{ ...info, plugins }];
  }
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-gateway-'));
  const routeFile = path.join(dir, 'kong.yml');
  await writeFile(routeFile, YAML.stringify(document));
  return routeFile;
}

/** Request lines a proxy does not pass on (undici refuses to send them, and writes Connection itself). */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'host']);

/** The bare proxy's handler: the answer's head as it comes, then its body as it comes. */
class BareForward implements Dispatcher.DispatchHandler {
  constructor(private readonly res: ServerResponse) {}

  /** Nothing to do; undici knows the handler's kind by it. */
  onRequestStart(): void {}

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number): void {
    const raw = answerHeaderLines(controller);
    const lines: string[] = [];
    for (let i = 0; i < raw.length; i += 2) if (!HOP_BY_HOP.has(raw[i].toLowerCase())) lines.push(raw[i], raw[i + 1]);
    this.res.writeHead(statusCode, lines);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.res.write(chunk)) controller.pause();
  }

  onResponseEnd(): void {
    this.res.end();
  }

  onResponseError(): void {
    if (this.res.headersSent) this.res.destroy();
    else this.res.writeHead(502).end();
  }
}

async function startBareProxy(): Promise<{ proxyUrl: string; close(): Promise<void> }> {
  const pool = new Pool(process.env.UPSTREAM_URL!);
  const server = createServer((req, res) => {
    const headers: string[] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      if (!HOP_BY_HOP.has(req.rawHeaders[i].toLowerCase())) headers.push(req.rawHeaders[i], req.rawHeaders[i + 1]);
    }
    // The bench sends GETs only: no body to pass on.
    pool.dispatch({ method: req.method as Dispatcher.HttpMethod, path: req.url!, headers }, new BareForward(res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    proxyUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await pool.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

async function main() {
  const mode = process.env.GATEWAY_MODE;
  let close: () => Promise<void>;
  if (mode === 'bare') {
    const proxy = await startBareProxy();
    close = proxy.close;
    process.send!({ proxyUrl: proxy.proxyUrl });
  } else if (mode === 'plugins' || mode === 'aws-lambda') {
    const env = benchDeckEnv();
    const gateway = await startGateway({ configPath: await infoRouteConfig(mode, env), proxyPort: 0, adminPort: 0, env });
    close = () => gateway.close();
    process.send!({ proxyUrl: gateway.proxyUrl, adminUrl: gateway.adminUrl });
  } else {
    throw new Error(`GATEWAY_MODE must be plugins, aws-lambda or bare, not ${mode}`);
  }
  process.on('message', () => process.send!(process.cpuUsage()));
  // A normal exit, so that --cpu-prof writes its profile.
  process.once('disconnect', () => void close().finally(() => process.exit(0)));
}

main().catch((error: Error) => {
  console.error(error.stack ?? error.message);
  process.exit(1);
});
