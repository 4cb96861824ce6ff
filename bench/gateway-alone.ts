/**
 * What the gateway itself costs: kong.yml's info route with its plugins in
 * front of an upstream that costs nothing (with an ES256 token, and with an
 * HS256 one), the same route through its
 * aws-lambda plugin in front of a Lambda Invoke stand-in that costs nothing,
 * and a bare reverse proxy on the gateway's own libraries, each in a process
 * of its own, in authenticated requests per CPU-second of that process, once
 * warmed up (Kong's published figures are steady-state ones).
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { requestExpecting } from '../scripts/stack';
import { ACCESS_KEY, FUNCTION, REGION, SECRET_KEY, startStandIn } from '../stand-ins/lambda-invoke';
import { BenchChild } from './child';
import { load, round, type LoadResult } from './load';
import { KONG_PER_VCPU } from './options';

export interface GatewayAloneResult extends LoadResult {
  /** CPU the measured process used during the load, in cores (1 = one core busy all the time). */
  gatewayCpuCores: number;
  /** CPU of this process (load generator and upstream): near 1, they, not the gateway, set the pace. */
  loadGeneratorCpuCores: number;
  /** Requests per second of the measured process's CPU time: what one fully busy core would serve. */
  requestsPerCpuSecond: number;
  layout: string;
}

export interface GatewayResults {
  /** kong.yml's info route (jwt with an ES256 token, rate-limiting per consumer) before a plain HTTP upstream. */
  jwt: GatewayAloneResult;
  /** The same with an HS256 token: what the signature algorithm costs the gateway. */
  jwtHs256: GatewayAloneResult;
  /** The same route through aws-lambda, before a trivial Lambda Invoke stand-in. */
  awsLambda: GatewayAloneResult;
  /** A reverse proxy on node:http's server and undici's pool, as the gateway proxies, without routing or plugins, before the same upstream. */
  bareProxy: GatewayAloneResult;
  /** Per CPU-second, the gateway over the bare proxy (0.85 at least is the target) and over Kong's published figure (1.3). */
  jwtOverBareProxy: number;
  jwtOverKong: number;
  awsLambdaOverKong: number;
}

/**
 * On two cores: the measured process gets one to itself, as Kong's per-vCPU
 * figure assumes; autocannon and the upstream share the other.
 */
const LAYOUT = 'measured process on its own; load generator and upstream together in the bench process';

/** Load before the measured load, so that what is measured is the optimized code, not the JIT compiling it. */
const WARM_UP_SECONDS = 1;

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

type TokenAlgorithm = 'ES256' | 'HS256';

/**
 * A consumer with a credential and a token for it: ES256 as signup makes
 * them (the jwt plugin verifies an ECDSA signature per request), or HS256
 * (an HMAC), the older per-user-secret design.
 */
async function consumerToken(adminUrl: string, algorithm: TokenAlgorithm): Promise<string> {
  const consumer = await requestExpecting<{ id: string }>(`${adminUrl}/consumers`, { body: { username: 'bench' } }, 201);
  const credential = (body: object) => requestExpecting<{ secret: string }>(`${adminUrl}/consumers/${consumer.id}/jwt`, { body }, 201);
  const claims = { iss: 'https://auth.example.test', ckey: 'bench-issuer', sub: 'bench' };
  if (algorithm === 'HS256') {
    const { secret } = await credential({ key: 'bench-issuer', algorithm });
    return jwt.sign(claims, secret, { algorithm, expiresIn: 1800 });
  }
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  await credential({ key: 'bench-issuer', algorithm, rsa_public_key: publicKey.export({ format: 'pem', type: 'spki' }) });
  return jwt.sign(claims, privateKey, { algorithm, expiresIn: 1800 });
}

const cpuSeconds = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1e6;

async function measure(
  mode: 'plugins' | 'aws-lambda' | 'bare',
  env: Record<string, string>,
  duration: number,
  connections: number,
  cpuProfileDir?: string,
  algorithm: TokenAlgorithm = 'ES256',
): Promise<GatewayAloneResult> {
  // A folder per process: tsx's loader thread writes a profile of its own beside the main thread's (the larger).
  const profile = cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(cpuProfileDir, `gateway-${mode}-${algorithm}`)] : [];
  const gateway = new BenchChild(path.join(__dirname, 'gateway-child.ts'), { ...env, GATEWAY_MODE: mode }, profile);
  try {
    const { proxyUrl, adminUrl } = await gateway.next<{ proxyUrl: string; adminUrl?: string }>();
    // The bare proxy checks nothing: the same header goes along all the same.
    const token = adminUrl ? await consumerToken(adminUrl, algorithm) : jwt.sign({ sub: 'bench' }, 'unchecked', { expiresIn: 1800 });
    const spec = { url: `${proxyUrl}/api/jwt/info`, headers: { Authorization: `Bearer ${token}` }, connections: Math.max(connections, MIN_CONNECTIONS) };
    await load({ ...spec, duration: WARM_UP_SECONDS });
    const gatewayBefore = await gateway.request<NodeJS.CpuUsage>('cpu');
    const ownBefore = process.cpuUsage();
    const started = performance.now();
    const result = await load({ ...spec, duration });
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
  }
}

/** The four, one after the other. With `cpuProfileDir`, each measured process writes a CPU profile there. */
export async function benchGateway(duration: number, connections: number, cpuProfileDir?: string): Promise<GatewayResults> {
  const upstream = await startUpstream();
  const standIn = await startStandIn();
  // The stand-in keeps every invocation for the tests; here nobody reads them.
  const forget = setInterval(() => standIn.invocations.splice(0), 500);
  try {
    const upstreamEnv = { UPSTREAM_URL: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}` };
    const lambdaEnv = {
      LAMBDA_PORT: String(standIn.port),
      FUNCTION_NAME: FUNCTION,
      AWS_REGION: REGION,
      AWS_ACCESS_KEY_ID: ACCESS_KEY,
      AWS_SECRET_ACCESS_KEY: SECRET_KEY,
    };
    const jwtRoute = await measure('plugins', upstreamEnv, duration, connections, cpuProfileDir);
    const jwtHs256 = await measure('plugins', upstreamEnv, duration, connections, cpuProfileDir, 'HS256');
    const awsLambda = await measure('aws-lambda', lambdaEnv, duration, connections, cpuProfileDir);
    const bareProxy = await measure('bare', upstreamEnv, duration, connections, cpuProfileDir);
    return {
      jwt: jwtRoute,
      jwtHs256,
      awsLambda,
      bareProxy,
      jwtOverBareProxy: round(jwtRoute.requestsPerCpuSecond / bareProxy.requestsPerCpuSecond),
      jwtOverKong: round(jwtRoute.requestsPerCpuSecond / KONG_PER_VCPU),
      awsLambdaOverKong: round(awsLambda.requestsPerCpuSecond / KONG_PER_VCPU),
    };
  } finally {
    clearInterval(forget);
    await standIn.close();
    upstream.closeAllConnections();
    await new Promise((resolve) => upstream.close(resolve));
  }
}
