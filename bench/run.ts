/**
 * `npm run bench`: what each route costs, through the gateway and without it,
 * in one run. `npm run bench -- --help` lists the flags.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { measureBcrypt } from './bcrypt';
import { measureBundles } from './bundles';
import { benchGatewayAlone } from './gateway-alone';
import { parseOptions, type BenchOptions } from './options';
import { formatTables, ratios, targets, type Results } from './report';
import { countRoundTrips } from './round-trips';
import { benchRoutes, stackStillHealthy } from './routes';
import { runningStack, startBenchStack, type BenchStack } from './stack';

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

/** Round trips and route scenarios, against the stack. */
async function measureStack(options: BenchOptions, results: Measured): Promise<void> {
  const { duration, connections, parts } = options;
  const stack = await openStack(options);
  results.settings.stack = stack.description;
  try {
    if (parts.includes('round-trips')) {
      progress('round trips per route');
      results.roundTrips = await countRoundTrips(stack.env);
    }
    if (parts.includes('routes')) {
      progress(`routes: ${duration} s per scenario, ${connections} connections`);
      const routes = await benchRoutes(stack, duration, connections);
      Object.assign(results.scenarios, routes);
      results.ratios = ratios(routes, results.bcrypt);
      results.healthyAfterwards = await stackStillHealthy(stack);
    }
  } finally {
    await stack.stop();
  }
}

/** What needs no stack runs while nothing else does: bcrypt and bundles first, the gateway alone last. */
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
    settings: { durationSeconds: duration, connections, bcryptCost, stack: 'none' },
    scenarios: {},
    ratios: {},
  };
  if (parts.includes('bcrypt')) {
    progress(`bcrypt at cost ${bcryptCost}`);
    results.bcrypt = await measureBcrypt(bcryptCost);
  }
  if (parts.includes('bundles')) {
    progress('bundles (serverless package) and their load times');
    results.bundles = await measureBundles();
  }
  if (parts.includes('round-trips') || parts.includes('routes')) await measureStack(options, results);
  if (parts.includes('gateway')) {
    progress('the gateway alone in front of a trivial upstream');
    const profileDir = options.cpuProfile ? path.resolve(options.outDir, 'profiles') : undefined;
    results.gatewayAlone = await benchGatewayAlone(duration, connections, profileDir);
    results.scenarios.gatewayAlone = results.gatewayAlone;
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
