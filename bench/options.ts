/** `npm run bench`'s flags and settings. */
import { parseArgs } from 'node:util';
import { integerFromEnv, parseInteger } from '../scripts/stack';

/** Everything `npm run bench` can measure, in the order it runs them. */
export const PARTS = ['bcrypt', 'bundles', 'round-trips', 'routes', 'gateway'] as const;
export type Part = (typeof PARTS)[number];

export interface BenchOptions {
  /** Seconds of load per scenario. */
  duration: number;
  /**
   * Concurrent connections per scenario. serverless-offline runs one worker
   * thread (one cold start) per concurrent request: on two cores, many more
   * than four measure queueing and cold starts rather than the routes.
   */
  connections: number;
  /** bcrypt work factor the handlers and the bcrypt measurement use. */
  bcryptCost: number;
  /** Use the stack described by the environment (PROXY_URL, API_URL...) instead of starting one. */
  useRunningStack: boolean;
  parts: Part[];
  /** Where the JSON results go. */
  outDir: string;
  /** Write a CPU profile of the gateway-alone process under outDir/profiles. */
  cpuProfile: boolean;
}

const USAGE = `Usage: npm run bench -- [options]
  --duration S       seconds of load per scenario (default 8)
  --connections N    concurrent connections per scenario (default 4; signin's bcrypt ratio
                     and the info latency pair also run at 1)
  --only LIST        comma-separated subset of: ${PARTS.join(', ')}
  --running-stack    use the stack in the environment (PROXY_URL, API_URL, KONG_ADMIN_URL,
                     DYNAMODB_ENDPOINT, USERS_TABLE, TOKENS_TABLE, AWS_ACCESS_KEY_ID and
                     AWS_SECRET_ACCESS_KEY; by default npm start's) instead of starting one
  --out DIR          where to write the JSON results (default bench/results)
  --cpu-prof         write a CPU profile of the gateway-alone process into DIR/profiles
Environment: BCRYPT_COST (default 10, the production default), BENCH_* ports (see bench/stack.ts).`;

function positiveFlag(name: string, raw: string, integer: boolean): number {
  const value = integer ? parseInteger(raw, { min: 1 }) : Number(raw);
  if (value === undefined || !(value > 0)) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${raw}"\n${USAGE}`);
  }
  return value;
}

export function parseOptions(argv: string[], env = process.env): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string', default: '8' },
      connections: { type: 'string', default: '4' },
      only: { type: 'string' },
      'running-stack': { type: 'boolean', default: false },
      out: { type: 'string', default: 'bench/results' },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const parts = values.only ? values.only.split(',').map((part) => part.trim()) : [...PARTS];
  const unknown = parts.filter((part) => !PARTS.includes(part as Part));
  if (unknown.length) throw new Error(`--only: unknown part(s) ${unknown.join(', ')}\n${USAGE}`);
  return {
    duration: positiveFlag('duration', values.duration, false),
    connections: positiveFlag('connections', values.connections, true),
    bcryptCost: integerFromEnv('BCRYPT_COST', 10, { min: 1 }, env),
    useRunningStack: values['running-stack'],
    parts: PARTS.filter((part) => parts.includes(part)),
    outDir: values.out,
    cpuProfile: values['cpu-prof'],
  };
}
