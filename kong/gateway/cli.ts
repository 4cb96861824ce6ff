// Runs the local gateway as a process of its own, configured by environment:
//   GATEWAY_CONFIG     kong.yml to serve (default kong/kong.yml)
//   KONG_PROXY_HOST    proxy address (default 127.0.0.1)
//   KONG_PROXY_PORT    proxy port (default 8000)
//   KONG_ADMIN_PORT    Admin API port on 127.0.0.1 (default 8001)
//   GATEWAY_DATA_FILE  where consumers and credentials persist (default .data/gateway.json; ':memory:' keeps none)
//   GATEWAY_LOG=1      one line per request
//   KONG_HEADERS       Kong's `headers` (default "server_tokens, latency_tokens, X-Kong-Request-Id"; "off" for none)
//   KONG_TRUSTED_IPS, KONG_REAL_IP_HEADER, KONG_REAL_IP_RECURSIVE
//                      Kong's settings of those names: whose forwarding headers name the client
// DECK_* variables fill kong.yml's ${{ env "DECK_..." }} placeholders.
import path from 'node:path';
import { DEFAULT_CONFIG_PATH, ListenError, startGateway } from './index';

const PORT_VARIABLES = { proxy: 'KONG_PROXY_PORT', admin: 'KONG_ADMIN_PORT' } as const;

function port(name: string, fallback: number): number {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed > 65535) throw new Error(`${name} must be a port number (0-65535), got '${value}'`);
  return parsed;
}

function dataFile(): string | null {
  const value = process.env.GATEWAY_DATA_FILE;
  if (value === ':memory:') return null;
  return path.resolve(value || path.join(__dirname, '..', '..', '.data', 'gateway.json'));
}

async function main(): Promise<void> {
  const gateway = await startGateway({
    configPath: process.env.GATEWAY_CONFIG ? path.resolve(process.env.GATEWAY_CONFIG) : DEFAULT_CONFIG_PATH,
    proxyHost: process.env.KONG_PROXY_HOST || '127.0.0.1',
    proxyPort: port('KONG_PROXY_PORT', 8000),
    adminHost: '127.0.0.1',
    adminPort: port('KONG_ADMIN_PORT', 8001),
    dataFile: dataFile(),
    log: process.env.GATEWAY_LOG === '1',
    headers: process.env.KONG_HEADERS || undefined,
    trustedIps: process.env.KONG_TRUSTED_IPS || undefined,
    realIpHeader: process.env.KONG_REAL_IP_HEADER || undefined,
    realIpRecursive: process.env.KONG_REAL_IP_RECURSIVE || undefined,
  });
  const stop = () => {
    gateway.close().then(
      () => process.exit(0),
      (err: Error) => {
        console.error(`gateway: error while stopping: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`gateway ready proxy=${gateway.proxyUrl} admin=${gateway.adminUrl}`);
}

main().catch((err: Error) => {
  const hint = err instanceof ListenError ? ` (set ${PORT_VARIABLES[err.listener]} to use another port)` : '';
  console.error(`gateway: ${err.message}${hint}`);
  process.exit(1);
});
