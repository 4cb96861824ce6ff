/** Load generation (autocannon) and the figures the report gives from it. */
import autocannon from 'autocannon';

/**
 * Unmeasured load before each scenario: serverless-offline starts one worker
 * per concurrent request (a cold start each), and the JIT warms up.
 */
const WARMUP_SECONDS = 2;

/** autocannon's warm-up option, missing from its type definitions. */
type WithWarmup = autocannon.Options & { warmup?: Pick<autocannon.Options, 'connections' | 'duration'> };

/** One request of a scenario; `setupRequest` makes each request's inputs unique where state is consumed. */
export interface LoadSpec {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  setupRequest?: (request: autocannon.Request) => autocannon.Request;
  onResponse?: (status: number, body: string) => void;
  connections: number;
  /** Seconds of measured load, after an unmeasured warm-up. */
  duration: number;
}

/** Milliseconds; NaN (null in the JSON) when nothing answered. */
export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

export interface LoadResult {
  connections: number;
  durationSeconds: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: Percentiles;
  /** Connection errors, timeouts and non-2xx answers, warm-up included. */
  errors: number;
  statusCodes: Record<string, number>;
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

/** Nearest-rank percentile of a sorted sample, to 0.01. */
function percentile(sorted: Float64Array, p: number): number {
  return sorted.length ? round(sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]) : NaN;
}

export function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  return { p50: percentile(sorted, 0.5), p90: percentile(sorted, 0.9), p99: percentile(sorted, 0.99) };
}

/** What one autocannon run saw. */
interface Run {
  latencies: number[];
  seconds: number;
  errors: number;
  statusCodes: Record<string, number>;
}

function errorCount(result: autocannon.Result): number {
  return result.errors + result.non2xx + result.mismatches;
}

/**
 * One autocannon run against one URL. Latencies are taken from its
 * per-response event rather than its histogram, which keeps whole
 * milliseconds only: the gateway's cost is a fraction of one.
 */
async function run(spec: LoadSpec, warmupSeconds: number): Promise<Run> {
  const latencies: number[] = [];
  const options: WithWarmup = {
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: spec.headers,
    connections: spec.connections,
    duration: spec.duration,
    warmup: warmupSeconds > 0 ? { connections: spec.connections, duration: warmupSeconds } : undefined,
    // Undefined hooks must be left out: autocannon would call them.
    requests: [
      { ...(spec.setupRequest && { setupRequest: spec.setupRequest }), ...(spec.onResponse && { onResponse: spec.onResponse }) },
    ],
    timeout: 10,
  };
  // Without a callback it is both an event emitter and a promise (the only form that honours `warmup`).
  const instance = autocannon(options) as unknown as autocannon.Instance &
    Promise<autocannon.Result & { warmup?: autocannon.Result }>;
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  return {
    latencies,
    seconds: result.duration,
    errors: errorCount(result) + (result.warmup ? errorCount(result.warmup) : 0),
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0]),
    ),
  };
}

function summarize(connections: number, runs: Run[]): LoadResult {
  const latencies = runs.flatMap((r) => r.latencies);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  const statusCodes: Record<string, number> = {};
  for (const [status, count] of runs.flatMap((r) => Object.entries(r.statusCodes))) {
    statusCodes[status] = (statusCodes[status] ?? 0) + count;
  }
  return {
    connections,
    durationSeconds: round(seconds),
    requests: latencies.length,
    requestsPerSecond: round(latencies.length / seconds, 1),
    latencyMs: percentiles(latencies),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    statusCodes,
  };
}

const warmupFor = (spec: LoadSpec) => Math.min(WARMUP_SECONDS, spec.duration);

export async function load(spec: LoadSpec): Promise<LoadResult> {
  return summarize(spec.connections, [await run(spec, warmupFor(spec))]);
}

/**
 * Scenarios to compare (of one duration), run in turns of about a second
 * (A B, B A, A B...), so that whatever else the machine does weighs on each alike.
 */
export async function loadInTurns(specs: LoadSpec[]): Promise<LoadResult[]> {
  const turns = Math.max(2, Math.round(specs[0].duration));
  const runs: Run[][] = specs.map(() => []);
  for (let turn = 0; turn < turns; turn++) {
    const order = [...specs.keys()];
    if (turn % 2 === 1) order.reverse();
    for (const i of order) {
      const spec = specs[i];
      runs[i].push(await run({ ...spec, duration: spec.duration / turns }, turn === 0 ? warmupFor(spec) : 0));
    }
  }
  return specs.map((spec, i) => summarize(spec.connections, runs[i]));
}
