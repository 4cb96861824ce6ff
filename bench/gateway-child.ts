/**
 * One gateway under measurement, in a process of its own (see gateway-alone.ts):
 * GATEWAY_MODE=plugins: the local gateway with kong.yml's info route, its
 *   plugins as they are there (jwt, rate-limiting per consumer), before a
 *   plain HTTP upstream at UPSTREAM_URL instead of its aws-lambda plugin;
 * GATEWAY_MODE=aws-lambda: the same route as kong.yml has it, aws-lambda
 *   included, invoking FUNCTION_NAME at the Invoke API on LAMBDA_PORT;
 * GATEWAY_MODE=bare: a reverse proxy on node:http, the library the gateway
 *   proxies with, without routing or plugins, to UPSTREAM_URL.
 * Answers any message with its CPU usage so far; ends when the parent leaves.
 */
import { readFile, mkdtemp, writeFile } from 'node:fs/promises';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { startGateway } from '../kong/gateway';
import { substituteEnv } from '../kong/gateway/core/config';
import { REPO_ROOT } from '../scripts/stack';
import { corsDeckEnv, lambdaDeckEnv, rateLimitDeckEnv, sessionDeckEnv } from '../scripts/stack/gateway';

/** A rate limit far above the load, so that the plugin counts every request but refuses none. */
const UNLIMITED_PER_MINUTE = '1000000000';

interface Plugin {
  name: string;
  config?: Record<string, unknown>;
}
interface Route {
  name: string;
  plugins?: Plugin[];
  [key: string]: unknown;
}

/**
 * kong.yml's decK variables as the gateway gets them: a limit far above the
 * load, the local policy, the stand-in's Invoke API. kong.yml is rendered with
 * them before its info route is picked, as decK would: some templates (the cors
 * origins) are YAML text, not values.
 */
function deckEnv(): NodeJS.ProcessEnv {
  const unlimited = Number(UNLIMITED_PER_MINUTE);
  return {
    ...process.env,
    ...rateLimitDeckEnv({ public: unlimited, protected: unlimited, password: unlimited, introspect: unlimited }, { policy: 'local' }),
    ...corsDeckEnv([]),
    ...sessionDeckEnv(0, 0),
    ...lambdaDeckEnv(Number(process.env.LAMBDA_PORT ?? 0)),
    DECK_FUNCTION_PREFIX: '',
    ...(process.env.AWS_REGION ? { DECK_AWS_REGION: process.env.AWS_REGION } : {}),
  };
}

/** kong.yml's info route alone, as kong.yml configures it, or before an HTTP service instead of aws-lambda. */
async function infoRouteConfig(mode: 'plugins' | 'aws-lambda'): Promise<string> {
  const kongYmlPath = path.join(REPO_ROOT, 'kong', 'kong.yml');
  const kongYml = YAML.parse(substituteEnv(await readFile(kongYmlPath, 'utf8'), deckEnv(), kongYmlPath));
  const info = (kongYml.routes as Route[]).find((route) => route.name === 'info');
  if (!info) throw new Error('kong.yml has no route named info');
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
  const file = path.join(dir, 'kong.yml');
  await writeFile(file, YAML.stringify(document));
  return file;
}

async function startBareProxy(): Promise<{ proxyUrl: string; close(): Promise<void> }> {
  const upstream = new URL(process.env.UPSTREAM_URL!);
  const agent = new Agent({ keepAlive: true });
  const server = createServer((req, res) => {
    const forward = request(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    proxyUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      agent.destroy();
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
    const gateway = await startGateway({
      configPath: await infoRouteConfig(mode),
      proxyPort: 0,
      adminPort: 0,
      env: deckEnv(),
    });
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
