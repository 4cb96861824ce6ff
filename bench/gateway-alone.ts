/** The gateway on its own, in front of an upstream that costs nothing: what the gateway itself costs. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { requestExpecting } from '../scripts/stack';
import { BenchChild } from './child';
import { load, round, type LoadResult } from './load';

export interface GatewayAloneResult extends LoadResult {
  /** CPU the gateway process used during the load, in cores (1 = one core busy all the time). */
  gatewayCpuCores: number;
  /** CPU of this process (load generator and upstream): near 1, they, not the gateway, set the pace. */
  loadGeneratorCpuCores: number;
  /** Requests per second of gateway CPU time: what one fully busy core would serve. */
  requestsPerCpuSecond: number;
  layout: string;
}

/**
 * On two cores: the gateway in a process of its own gets one to itself, as
 * Kong's per-vCPU figure assumes; autocannon and this upstream share the
 * other. In this process, it would share one thread with the load generator.
 */
const LAYOUT = 'gateway in its own process; load generator and upstream together in the bench process';

/** Enough requests in flight to keep the gateway's core busy, whatever --connections says. */
const MIN_CONNECTIONS = 10;

/** The cheapest possible upstream: what the gateway costs is all that is left. */
async function startUpstream(): Promise<Server> {
  const body = JSON.stringify({ ok: true });
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** A consumer and its JWT credential, made through the Admin API, and a token signed with it. */
async function consumerToken(adminUrl: string): Promise<string> {
  const consumer = await requestExpecting<{ id: string }>(`${adminUrl}/consumers`, { body: { username: 'bench' } }, 201);
  const credential = await requestExpecting<{ key: string; secret: string }>(
    `${adminUrl}/consumers/${consumer.id}/jwt`,
    { body: { algorithm: 'HS256' } },
    201,
  );
  return jwt.sign({ iss: credential.key, sub: 'bench' }, credential.secret, { algorithm: 'HS256', expiresIn: 1800 });
}

const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

/**
 * Authenticated requests through the jwt plugin of kong.yml's protected
 * route. With `cpuProfileDir`, the gateway process writes a CPU profile there.
 */
export async function benchGatewayAlone(duration: number, connections: number, cpuProfileDir?: string): Promise<GatewayAloneResult> {
  const upstream = await startUpstream();
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', cpuProfileDir] : [];
  const gateway = new BenchChild(path.join(__dirname, 'gateway-child.ts'), { UPSTREAM_URL: upstreamUrl }, profile);
  try {
    const { proxyUrl, adminUrl } = await gateway.next<{ proxyUrl: string; adminUrl: string }>();
    const headers = { Authorization: `Bearer ${await consumerToken(adminUrl)}` };

    const gatewayBefore = await gateway.request<NodeJS.CpuUsage>('cpu');
    const ownBefore = process.cpuUsage();
    const started = performance.now();
    const result = await load({
      url: `${proxyUrl}/api/jwt/info`,
      headers,
      duration,
      connections: Math.max(connections, MIN_CONNECTIONS),
    });
    const elapsedSeconds = (performance.now() - started) / 1000;
    const ownCores = cpuSeconds(process.cpuUsage(ownBefore)) / elapsedSeconds;
    const gatewayCores = (cpuSeconds(await gateway.request<NodeJS.CpuUsage>('cpu')) - cpuSeconds(gatewayBefore)) / elapsedSeconds;
    return {
      ...result,
      gatewayCpuCores: round(gatewayCores),
      loadGeneratorCpuCores: round(ownCores),
      requestsPerCpuSecond: Math.round(result.requestsPerSecond / gatewayCores),
      layout: LAYOUT,
    };
  } finally {
    await gateway.stop();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  }
}
