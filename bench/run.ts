/**
 * `npm run bench`: what production pays, from measurements taken in one run.
 * `npm run bench -- --help` lists the parts and the flags.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { measureBcrypt } from './bcrypt';
import { measureBundles } from './bundles';
import { costPerThousandUsers } from './cost';
import { benchGateway } from './gateway-alone';
import { parseOptions, type BenchOptions } from './options';
import { measurePeer } from './peer';
import { formatTables, peerPairs, ratios, targets, type Results } from './report';
import { benchRoutes, stackStillHealthy } from './routes';
import { benchScale } from './scale';
import { runningStack, startBenchStack, type BenchStack } from './stack';
import { measureWork } from './work';

type Measured = Omit<Results, 'targets'>;

const progress = (message: string) => console.error(`bench: ${message}`);

async function openStack(options: BenchOptions): Promise<BenchStack> {
  if (options.useRunningStack) {
    progress('using the running stack');
    return runningStack();
  }
  progress('starting the stack');
  return startBenchStack(options.bcryptCost, process.env.STACK_VERBOSE === '1');
}

/** Work per request (cost, cpu) and the scenarios (scale), against the stack. */
async function measureStack(options: BenchOptions, results: Measured): Promise<void> {
  const { duration, connections, parts, bcryptCost, samples } = options;
  const stack = await openStack(options);
  results.settings.stack = stack.description;
  const profileDir = options.cpuProfile ? path.resolve(options.outDir, 'profiles') : undefined;
  try {
    // The peer part compares itself with exactly this: ES256, as deployed.
    if (parts.includes('cost') || parts.includes('cpu') || parts.includes('peer')) {
      progress(`work per request, in-process, ES256 (${samples} requests per route)`);
      results.work = { ES256: await measureWork(stack.env, 'ES256', bcryptCost, samples, profileDir) };
      if (parts.includes('cpu')) {
        progress('work per request, in-process, HS256');
        results.work.HS256 = await measureWork(stack.env, 'HS256', bcryptCost, samples, profileDir);
      }
    }
    if (parts.includes('scale')) {
      progress(`routes with ${options.users.small} users: ${duration} s per scenario, ${connections} connections`);
      const scale = await benchScale(stack, options, progress, async () => {
        const routes = await benchRoutes(stack, duration, connections);
        Object.assign(results.scenarios, routes);
        results.ratios = ratios(routes, results.bcrypt);
      });
      results.scale = scale;
      results.healthyAfterwards = await stackStillHealthy(stack);
    }
  } finally {
    await stack.stop();
  }
}

/** What needs no stack runs while nothing else does: bcrypt, bundles and the peer first, the gateway last. */
async function measure(options: BenchOptions): Promise<Measured> {
  const { duration, connections, bcryptCost, parts } = options;
  const results: Measured = {
    date: new Date().toISOString(),
    machine: {
      cores: os.availableParallelism(),
      cpu: os.cpus()[0]?.model ?? 'unknown',
      node: process.version,
      platform: process.platform,
      // Anything else running skews every figure: this says whether something did.
      loadAverage: os.loadavg()[0],
    },
    settings: { durationSeconds: duration, connections, bcryptCost, samples: options.samples, users: options.users, stack: 'none' },
    scenarios: {},
    ratios: {},
  };
  if (parts.includes('cpu') || parts.includes('scale')) {
    progress(`bcrypt at cost ${bcryptCost}`);
    results.bcrypt = await measureBcrypt(bcryptCost);
  }
  if (parts.includes('cold')) {
    progress('bundles (serverless package) and their load times');
    results.bundles = await measureBundles();
  }
  if (parts.includes('peer')) {
    progress(`the peer: better-auth in a process of its own (${options.samples} requests per operation)`);
    results.peer = await measurePeer(options.samples, options.cpuProfile ? path.resolve(options.outDir, 'profiles') : undefined);
  }
  if (parts.some((part) => part === 'cost' || part === 'cpu' || part === 'peer' || part === 'scale')) await measureStack(options, results);
  if (results.peer && results.work) results.peerComparison = peerPairs(results.work.ES256, results.peer);
  if (parts.includes('gateway')) {
    progress('the gateway with its plugins (ES256 and HS256 tokens), an aws-lambda route and a bare proxy, each before a trivial upstream');
    const profileDir = options.cpuProfile ? path.resolve(options.outDir, 'profiles') : undefined;
    results.gateway = await benchGateway(duration, connections, profileDir);
    results.scenarios.gatewayAlone = results.gateway.jwt;
    results.scenarios.gatewayHs256 = results.gateway.jwtHs256;
    results.scenarios.gatewayBareProxy = results.gateway.bareProxy;
    results.scenarios.gatewayAwsLambda = results.gateway.awsLambda;
  }
  if (parts.includes('cost') && results.work) {
    results.cost = costPerThousandUsers(results.work.ES256, results.gateway?.jwt.requestsPerCpuSecond);
  }
  return results;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const measured = await measure(options);
  const results: Results = { ...measured, targets: targets(measured) };

  await mkdir(options.outDir, { recursive: true });
  const file = path.join(options.outDir, `bench-${results.date.replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(formatTables(results));
  console.log(`\nResults: ${file}`);
}

// process.exit runs the stack's exit hook, which kills every component it started.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => process.exit(130));

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}`);
  process.exit(1);
});
