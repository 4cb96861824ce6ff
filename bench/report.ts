/** The bench's results: their JSON shape, the targets they are judged by, and the printed tables. */
import type { BcryptResult } from './bcrypt';
import type { Bundle } from './bundles';
import type { GatewayAloneResult } from './gateway-alone';
import { round, type LoadResult } from './load';
import type { RoundTrips } from './round-trips';
import type { RouteResults } from './routes';

export interface Results {
  date: string;
  machine: { cores: number; cpu: string; node: string; platform: string; loadAverage: number };
  settings: { durationSeconds: number; connections: number; bcryptCost: number; stack: string };
  scenarios: Record<string, LoadResult>;
  bcrypt?: BcryptResult;
  /** Absent: not measured in this run; null: a scenario behind the ratio failed. */
  ratios: {
    /** 1 - info through the gateway / info direct, in req/s, under load. */
    gatewayThroughputCost?: number | null;
    /** info's p50 through the gateway minus direct, in ms, at one connection. */
    gatewayP50CostMs?: number | null;
    /** The same under load, where it includes waiting for a CPU the gateway shares. */
    gatewayP50CostMsUnderLoad?: number | null;
    /** signin's p50 at one connection / one bcrypt compare. */
    signinP50OverCompare?: number | null;
  };
  roundTrips?: Record<string, RoundTrips>;
  bundles?: Bundle[];
  gatewayAlone?: GatewayAloneResult;
  healthyAfterwards?: boolean;
  targets: Target[];
}

export interface Target {
  target: string;
  measured: string;
  /** null: not measured in this run (see --only). */
  met: boolean | null;
}

/** The scenario names, as the table shows them. */
const SCENARIO_LABELS: Record<string, string> = {
  signup: 'signup (POST /api/public/signup)',
  signin: 'signin (POST /api/public/signin)',
  signinOneConnection: 'signin, 1 connection',
  refresh: 'refresh (POST /api/public/refresh)',
  infoViaGateway: 'info via gateway (GET /api/jwt/info)',
  infoDirect: 'info direct to the API (same token, in turns)',
  infoViaGatewayOneConnection: 'info via gateway, 1 connection',
  infoDirectOneConnection: 'info direct, 1 connection (in turns)',
  gatewayAlone: 'gateway alone, jwt-authenticated',
};

const KONG_PER_VCPU = 6000;
const BUNDLE_LIMIT_BYTES = 300 * 1000;
const LOAD_LIMIT_MS = 150;

/** A ratio means something only if every scenario it compares answered, without errors. */
const valid = (...scenarios: LoadResult[]) => scenarios.every((scenario) => scenario.requests > 0 && scenario.errors === 0);

/**
 * The gateway's cost on info, and how much of signin is anything but the
 * hash; null where a scenario behind the ratio failed.
 */
export function ratios(routes: RouteResults, bcrypt?: BcryptResult): Results['ratios'] {
  const { infoViaGateway, infoDirect, infoViaGatewayOneConnection, infoDirectOneConnection, signinOneConnection } = routes;
  const p50Cost = (gateway: LoadResult, direct: LoadResult) =>
    valid(gateway, direct) ? round(gateway.latencyMs.p50 - direct.latencyMs.p50) : null;
  return {
    gatewayThroughputCost: valid(infoViaGateway, infoDirect)
      ? round(1 - infoViaGateway.requestsPerSecond / infoDirect.requestsPerSecond, 3)
      : null,
    gatewayP50CostMs: p50Cost(infoViaGatewayOneConnection, infoDirectOneConnection),
    gatewayP50CostMsUnderLoad: p50Cost(infoViaGateway, infoDirect),
    signinP50OverCompare: bcrypt && (valid(signinOneConnection) ? round(signinOneConnection.latencyMs.p50 / bcrypt.compareMs) : null),
  };
}

function judge<T>(
  target: string,
  value: T | null | undefined,
  describe: (value: T) => string,
  passes: (value: T) => boolean,
): Target {
  if (value === undefined) return { target, measured: 'not measured', met: null };
  if (value === null) return { target, measured: 'no valid measurement: its scenarios had errors', met: false };
  return { target, measured: describe(value), met: passes(value) };
}

const kB = (bytes: number) => round(bytes / 1000, 1);
const describeTrips = (trips: RoundTrips) => `${trips.total} (${trips.kongAdmin} to Kong Admin)`;
const largest = <K extends 'bytes' | 'loadMs'>(bundles: Bundle[], key: K) =>
  bundles.reduce((a, b) => (b[key] > a[key] ? b : a));

/** The issue's targets, each met, missed or not measured in this run. */
export function targets({ scenarios, ratios: r, roundTrips, bundles, gatewayAlone, healthyAfterwards }: Omit<Results, 'targets'>): Target[] {
  const loads = Object.values(scenarios);
  const health = loads.length
    ? {
        errors: loads.reduce((sum, scenario) => sum + scenario.errors, 0),
        unanswered: loads.filter((scenario) => scenario.requests === 0).length,
        healthy: healthyAfterwards !== false,
      }
    : undefined;
  return [
    judge(
      'zero errors in every scenario, stack healthy afterwards',
      health,
      (h) => `${h.errors} errors${h.unanswered ? `, ${h.unanswered} scenario(s) without an answer` : ''}, ${h.healthy ? 'healthy' : 'unhealthy'} afterwards`,
      (h) => h.errors === 0 && h.unanswered === 0 && h.healthy,
    ),
    judge("gateway costs at most 15% of info's throughput (under load)", r.gatewayThroughputCost, (v) => `${round(v * 100, 1)}%`, (v) => v <= 0.15),
    judge(
      "gateway costs at most 1 ms of info's p50 (one connection)",
      r.gatewayP50CostMs,
      (v) => `${v} ms (${r.gatewayP50CostMsUnderLoad ?? 'invalid'} ms under load)`,
      (v) => v <= 1,
    ),
    judge(
      `gateway alone: at least ${KONG_PER_VCPU} authenticated req/s on one core`,
      gatewayAlone,
      (g) =>
        `${g.requestsPerSecond} req/s; gateway at ${g.gatewayCpuCores} core (${g.requestsPerCpuSecond} per CPU-second), ` +
        `load generator at ${g.loadGeneratorCpuCores}`,
      (g) => g.requestsPerSecond >= KONG_PER_VCPU,
    ),
    judge('signin p50 at one connection at most 1.3x one bcrypt compare', r.signinP50OverCompare, (v) => `${v}x`, (v) => v <= 1.3),
    judge('info: at most 1 round trip, none to Kong Admin', roundTrips?.info, describeTrips, (t) => t.total <= 1 && t.kongAdmin === 0),
    judge('refresh: at most 3 round trips, none to Kong Admin', roundTrips?.refresh, describeTrips, (t) => t.total <= 3 && t.kongAdmin === 0),
    judge(
      'every bundle under 300 kB minified',
      bundles && largest(bundles, 'bytes'),
      (b) => `largest: ${b.function}, ${kB(b.bytes)} kB`,
      (b) => b.bytes < BUNDLE_LIMIT_BYTES,
    ),
    judge(
      'every bundle loads in under 150 ms',
      bundles && largest(bundles, 'loadMs'),
      (b) => `slowest: ${b.function}, ${b.loadMs} ms`,
      (b) => b.loadMs < LOAD_LIMIT_MS,
    ),
  ];
}

/** Markdown tables, ready for the README. */
export function formatTables(results: Results): string {
  const table = (header: string[], rows: (string | number)[][]) =>
    [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
  const { machine, settings } = results;
  const sections = [
    `${machine.cores} cores (${machine.cpu}, load average ${machine.loadAverage.toFixed(2)} at start), Node ${machine.node}, ` +
      `bcrypt cost ${settings.bcryptCost}, ` +
      `${settings.durationSeconds} s per scenario, ${settings.connections} connections, ${settings.stack}`,
  ];
  const scenarios = Object.entries(results.scenarios);
  if (scenarios.length) {
    sections.push(
      table(
        ['scenario', 'conn.', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'errors'],
        scenarios.map(([name, s]) => [
          SCENARIO_LABELS[name] ?? name,
          s.connections,
          s.requestsPerSecond,
          s.latencyMs.p50,
          s.latencyMs.p90,
          s.latencyMs.p99,
          s.errors,
        ]),
      ),
    );
  }
  if (results.bcrypt) {
    sections.push(`bcrypt at cost ${results.bcrypt.cost}: hash ${results.bcrypt.hashMs} ms, compare ${results.bcrypt.compareMs} ms (medians)`);
  }
  if (results.roundTrips) {
    sections.push(
      table(
        ['route', 'round trips', 'DynamoDB', 'Kong Admin', 'calls'],
        Object.entries(results.roundTrips).map(([route, t]) => [route, t.total, t.dynamodb, t.kongAdmin, t.calls.join(', ')]),
      ),
    );
  }
  if (results.bundles) {
    sections.push(
      table(
        ['function', 'bundle kB (minified)', 'load ms'],
        results.bundles.map((b) => [b.function, kB(b.bytes), b.loadMs]),
      ),
    );
  }
  sections.push(
    table(
      ['target', 'measured', 'result'],
      results.targets.map((t) => [t.target, t.measured, t.met === null ? '-' : t.met ? 'met' : 'MISSED']),
    ),
  );
  return sections.join('\n\n');
}
