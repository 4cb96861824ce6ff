/** The bench's results: their JSON shape, the targets they are judged by, and the printed tables. */
import type { BcryptResult } from './bcrypt';
import type { Bundle } from './bundles';
import type { CostResult } from './cost';
import type { GatewayResults } from './gateway-alone';
import { round, type LoadResult } from './load';
import { KEYCLOAK, KONG_PER_VCPU, PRICES } from './options';
import type { PeerReply } from './peer';
import type { RouteResults } from './routes';
import type { ScaleResult } from './scale';
import type { RouteWork, WorkReply } from './work';

export interface Results {
  date: string;
  machine: { cores: number; cpu: string; node: string; platform: string; loadAverage: number };
  settings: {
    durationSeconds: number;
    connections: number;
    bcryptCost: number;
    samples: number;
    users: { small: number; large: number };
    stack: string;
  };
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
  /** Per route, in-process: calls, DynamoDB units, signatures, CPU; HS256 only with the cpu part. */
  work?: { ES256: WorkReply; HS256?: WorkReply };
  cost?: CostResult;
  scale?: ScaleResult;
  bundles?: Bundle[];
  gateway?: GatewayResults;
  healthyAfterwards?: boolean;
  /** The peer (better-auth), measured as work.ES256 is, in the same run. */
  peer?: PeerReply;
  /** Ours beside the peer's, measure by measure; with both work.ES256 and peer measured. */
  peerComparison?: PeerPair[];
  targets: Target[];
}

export interface PeerPair {
  measure: string;
  ours: { route: string; cpuMs: number; does: string };
  theirs: { operation: string; cpuMs: number; does: string };
  /** ours.cpuMs / theirs.cpuMs: at most 1 where ours is at or below theirs. */
  oursOverTheirs: number;
  /** The issue's target: ours at or below theirs. */
  targeted: boolean;
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
  gatewayAlone: "gateway alone: kong.yml's info route (jwt ES256, rate-limiting), trivial upstream",
  gatewayHs256: 'gateway alone: the same with an HS256 token',
  gatewayAwsLambda: 'gateway alone: the same through aws-lambda, trivial Invoke stand-in',
  gatewayBareProxy: 'bare reverse proxy (node:http server, undici pool), trivial upstream',
};

const BUNDLE_LIMIT_BYTES = 150 * 1000;
const LOAD_LIMIT_MS = 100;
/** The issue's targets (issue 27: a tenth of Cognito Lite for both profiles, refresh 3 ms, info 2 ms). */
const COST_FRACTION_OF_COGNITO_LITE = 0.1;
const COST_LIMIT_USD = 0.55;
const REFRESH_CPU_LIMIT_MS = 3;
const INFO_CPU_LIMIT_MS = 2;
const SIGNIN_NON_HASH_FRACTION = 0.1;
const SCALE_P50_GROWTH = 1.2;
const BYTES_PER_CONSUMER = 2048;
const GATEWAY_OVER_KONG = 1.3;
const GATEWAY_OVER_BARE = 0.85;

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
const describeTrips = (trips: RouteWork) => `${trips.total} (${trips.kongAdmin} to Kong Admin)`;
const largest = <K extends 'bytes' | 'loadMs'>(bundles: Bundle[], key: K) =>
  bundles.reduce((a, b) => (b[key] > a[key] ? b : a));
const usd = (value: number) => `$${value < 0.01 ? value.toFixed(4) : value.toFixed(2)}`;

/** CPU of signin beyond its one bcrypt compare, and that over the hash. */
export function signinBeyondHash(work: WorkReply): { ms: number; fraction: number } {
  const ms = round(Math.max(0, work.routes.signin.cpuMs - work.hashCpuMs));
  return { ms, fraction: round(ms / work.hashCpuMs, 3) };
}

/** The peer pairs with a target (issue #28): ours at or below the peer's CPU. */
const PEER_TARGETS = ['sign-in beyond the password hash', 'refresh against its token issue', 'info against its session check'] as const;

const describeOurs = (w: RouteWork) =>
  `${w.dynamodb} DynamoDB call(s), ${w.kongAdmin} Kong Admin, ${w.signatures} ES256 signature(s)`;
const describeTheirs = (o: PeerReply['token']) =>
  `${o.statements} statement(s) (${o.operations.join('; ')}), ${o.signatures} ES256 signature(s)`;

/** Our ES256 handlers beside the peer's operations: CPU medians, what each does, ours over theirs. */
export function peerPairs(es: WorkReply, peer: PeerReply): PeerPair[] {
  const { signin, refresh, info } = es.routes;
  const pair = (measure: string, targeted: boolean, ours: PeerPair['ours'], theirs: PeerPair['theirs']): PeerPair => ({
    measure,
    ours,
    theirs,
    oursOverTheirs: round(ours.cpuMs / Math.max(theirs.cpuMs, 0.001), 2),
    targeted,
  });
  const hash = peer.hash;
  return [
    pair(
      PEER_TARGETS[0],
      true,
      { route: 'signin, minus one bcrypt compare', cpuMs: signinBeyondHash(es).ms, does: describeOurs(signin) },
      { operation: 'signInEmail, minus its scrypt', cpuMs: peer.signIn.beyondHashCpuMs, does: describeTheirs(peer.signIn) },
    ),
    pair(
      'the password hash alone',
      false,
      { route: `bcrypt compare, cost ${es.bcryptCost}`, cpuMs: es.hashCpuMs, does: 'bcryptjs, in JavaScript' },
      { operation: `scrypt N=${hash.N}, r=${hash.r}, p=${hash.p}`, cpuMs: peer.signIn.hashCpuMs, does: hash.implementation },
    ),
    pair(
      'sign-in, the hash included',
      false,
      { route: 'signin', cpuMs: signin.cpuMs, does: describeOurs(signin) },
      { operation: 'signInEmail', cpuMs: peer.signIn.cpuMs, does: describeTheirs(peer.signIn) },
    ),
    pair(
      PEER_TARGETS[1],
      true,
      { route: 'refresh', cpuMs: refresh.cpuMs, does: describeOurs(refresh) },
      { operation: 'getToken (jwt plugin)', cpuMs: peer.token.cpuMs, does: describeTheirs(peer.token) },
    ),
    pair(
      PEER_TARGETS[2],
      true,
      { route: 'info', cpuMs: info.cpuMs, does: describeOurs(info) },
      { operation: 'getSession (bearer)', cpuMs: peer.session.cpuMs, does: describeTheirs(peer.session) },
    ),
  ];
}

/** Issue #11: signup, signin and refresh make no Admin API call in ES256 mode that HS256 does not. */
const ADMIN_PARITY_ROUTES = ['signup', 'signin', 'refresh'];

function adminCallsNoMore(es: WorkReply, hs: WorkReply) {
  const more = ADMIN_PARITY_ROUTES.filter((route) => es.routes[route].kongAdmin > hs.routes[route].kongAdmin);
  return { more, signin: es.routes.signin.kongAdmin, refresh: es.routes.refresh.kongAdmin };
}

/** The issue's targets, each met, missed or not measured in this run. */
export function targets({ scenarios, ratios: r, work, cost, scale, bundles, gateway, healthyAfterwards, peer, peerComparison }: Omit<Results, 'targets'>): Target[] {
  const loads = Object.values(scenarios);
  const health = loads.length
    ? {
        errors: loads.reduce((sum, scenario) => sum + scenario.errors, 0),
        unanswered: loads.filter((scenario) => scenario.requests === 0).length,
        healthy: healthyAfterwards !== false,
      }
    : undefined;
  const es = work?.ES256;
  const hs = work?.HS256;
  return [
    judge(
      `cost, token profile: at most ${usd(COST_LIMIT_USD)} per 1,000 MAU (${COST_FRACTION_OF_COGNITO_LITE * 100}% of Cognito Lite; KMS key fees apart)`,
      cost,
      (c) => `${usd(c.totalUsd)} against ${usd(c.comparison.cognitoLiteUsd)}: ${round(c.fractionOfCognitoLite * 100, 1)}%`,
      (c) => c.totalUsd <= COST_LIMIT_USD,
    ),
    judge(
      `cost, browser profile: at most ${usd(COST_LIMIT_USD)} per 1,000 MAU`,
      cost?.browser,
      (b) => `${usd(b.totalUsd)}: ${round(b.fractionOfCognitoLite * 100, 1)}% of Cognito Lite`,
      (b) => b.totalUsd <= COST_LIMIT_USD,
    ),
    judge(
      `refresh: at most ${REFRESH_CPU_LIMIT_MS} ms of handler CPU (Keycloak: ${round(1000 / KEYCLOAK.refreshesPerVcpuSecond, 1)} ms)`,
      es?.routes.refresh,
      (w) => `${w.cpuMs} ms`,
      (w) => w.cpuMs <= REFRESH_CPU_LIMIT_MS,
    ),
    judge(`info: at most ${INFO_CPU_LIMIT_MS} ms of handler CPU`, es?.routes.info, (w) => `${w.cpuMs} ms`, (w) => w.cpuMs <= INFO_CPU_LIMIT_MS),
    judge(
      `signin: CPU beyond the hash at most ${SIGNIN_NON_HASH_FRACTION * 100}% of the hash`,
      es && signinBeyondHash(es),
      (v) => `${v.ms} ms beyond a ${es!.hashCpuMs} ms compare (cost ${es!.bcryptCost}): ${round(v.fraction * 100, 1)}%`,
      (v) => v.fraction <= SIGNIN_NON_HASH_FRACTION,
    ),
    judge(
      'ES256: signup, signin and refresh make no Kong Admin call HS256 does not; refresh none, signin one at most',
      es && hs ? adminCallsNoMore(es, hs) : undefined,
      (v) => `signin ${v.signin}, refresh ${v.refresh}${v.more.length ? `; more than HS256: ${v.more.join(', ')}` : '; none more than HS256'}`,
      (v) => v.more.length === 0 && v.refresh === 0 && v.signin <= 1,
    ),
    judge(
      'ES256 signin and refresh no slower than HS256 (handler CPU, within 10%)',
      es && hs ? { signin: [es.routes.signin.cpuMs, hs.routes.signin.cpuMs], refresh: [es.routes.refresh.cpuMs, hs.routes.refresh.cpuMs] } : undefined,
      (v) => `signin ${v.signin[0]} / ${v.signin[1]} ms, refresh ${v.refresh[0]} / ${v.refresh[1]} ms`,
      (v) => v.signin[0] <= v.signin[1] * 1.1 && v.refresh[0] <= v.refresh[1] * 1.1,
    ),
    judge(
      `scale: p50 with the large user count within ${round((SCALE_P50_GROWTH - 1) * 100)}% of the small one`,
      scale,
      (v) => `${v.large.users} over ${v.small.users} users: signin ${v.p50Growth.signin}x, refresh ${v.p50Growth.refresh}x, info ${v.p50Growth.info}x`,
      (v) => Object.values(v.p50Growth).every((growth) => growth <= SCALE_P50_GROWTH),
    ),
    judge(
      `scale: the gateway under ${BYTES_PER_CONSUMER / 1024} KB per consumer`,
      scale && scale.gatewayMemory,
      (m) => `${m.bytesPerConsumer} bytes (RSS delta over ${m.consumersAdded} consumers with a credential each)`,
      (m) => m.bytesPerConsumer < BYTES_PER_CONSUMER,
    ),
    judge(
      `every bundle under ${BUNDLE_LIMIT_BYTES / 1000} kB minified`,
      bundles && largest(bundles, 'bytes'),
      (b) => `largest: ${b.function}, ${kB(b.bytes)} kB; ${bundles!.filter((x) => x.bytes >= BUNDLE_LIMIT_BYTES).length} of ${bundles!.length} over`,
      (b) => b.bytes < BUNDLE_LIMIT_BYTES,
    ),
    judge(
      `every bundle loads in under ${LOAD_LIMIT_MS} ms`,
      bundles && largest(bundles, 'loadMs'),
      (b) => `slowest: ${b.function}, ${b.loadMs} ms`,
      (b) => b.loadMs < LOAD_LIMIT_MS,
    ),
    judge(
      `gateway: at least ${GATEWAY_OVER_KONG}x Kong's ${KONG_PER_VCPU} per vCPU and ${GATEWAY_OVER_BARE * 100}% of a bare proxy, per CPU-second`,
      gateway,
      (g) =>
        `${g.jwt.requestsPerCpuSecond} per CPU-second (${g.jwtOverKong}x Kong, ${round(g.jwtOverBareProxy * 100, 1)}% of the bare proxy's ${g.bareProxy.requestsPerCpuSecond}); ` +
        `aws-lambda route ${g.awsLambda.requestsPerCpuSecond} (${g.awsLambdaOverKong}x Kong)`,
      (g) => g.jwtOverKong >= GATEWAY_OVER_KONG && g.jwtOverBareProxy >= GATEWAY_OVER_BARE,
    ),
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
    judge('signin p50 at one connection at most 1.3x one bcrypt compare', r.signinP50OverCompare, (v) => `${v}x`, (v) => v <= 1.3),
    judge('info: at most 1 round trip, none to Kong Admin', es?.routes.info, describeTrips, (t) => t.total <= 1 && t.kongAdmin === 0),
    judge('refresh: at most 3 round trips, none to Kong Admin', es?.routes.refresh, describeTrips, (t) => t.total <= 3 && t.kongAdmin === 0),
    ...PEER_TARGETS.map((measure) =>
      judge(
        `peer: ours at or below ${peer ? `${peer.name} ${peer.version}` : 'the peer'} in CPU, ${measure}`,
        peerComparison?.find((pair) => pair.measure === measure),
        (p) => `${p.ours.cpuMs} ms against ${p.theirs.cpuMs} ms: ${p.oursOverTheirs}x`,
        (p) => p.ours.cpuMs <= p.theirs.cpuMs,
      ),
    ),
  ];
}

const table = (header: string[], rows: (string | number)[][]) =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');

function costTables(cost: CostResult): string[] {
  const { profile } = cost;
  return [
    `### Cost per 1,000 monthly active users (AWS list prices, us-east-1)\n\n` +
      `Each user, each month: ${profile.signinsPerMonth} signins, ${profile.refreshesPerMonth} refreshes, ` +
      `${profile.protectedRequestsPerMonth} protected requests through Kong (its jwt plugin verifies them; the application behind answers). Kong's compute from ${cost.gatewayBasis}; ` +
      `Lambda at ${cost.lambdaMemoryMb} MB arm64, its CPU stretched to the memory's vCPU share. Storage is not counted.`,
    table(
      ['item', 'per month', 'basis', 'what changed (issue 27), and why'],
      [
        ...cost.lines.map((line) => [line.item, usd(line.usd), line.basis, line.changed]),
        ['**total**', `**${usd(cost.totalUsd)}**`, `plus ${usd(cost.fixedMonthlyUsd)} a month whatever the users (two KMS keys)`, ''],
        ['total if every protected request also ran a function like info', usd(cost.totalWithInfoPerProtectedRequestUsd), 'a revocation check per request', ''],
        ['Amazon Cognito Lite', usd(cost.comparison.cognitoLiteUsd), `${round(cost.fractionOfCognitoLite * 100, 1)}% of it is ours`, ''],
        ['Amazon Cognito Essentials', usd(cost.comparison.cognitoEssentialsUsd), '', ''],
        ['Auth0 B2C Essentials', usd(cost.comparison.auth0B2cEssentialsUsd), '', ''],
      ],
    ),
    ...(cost.browser
      ? [
          `With browser sessions instead (design 003): ${cost.browser.profile.loginsPerMonth} logins on the sign-in page, ` +
            `${cost.browser.profile.protectedRequestsPerMonth} requests to the profile service, each asking the identity provider ` +
            `${cost.browser.profile.identityProviderCallsPerRequest} time(s) (forward-auth's cache answering none: the worst case).`,
          table(
            ['item', 'per month', 'basis', 'what changed (issue 27), and why'],
            [
              ...cost.browser.lines.map((line) => [line.item, usd(line.usd), line.basis, line.changed]),
              ['**total**', `**${usd(cost.browser.totalUsd)}**`, `${round(cost.browser.fractionOfCognitoLite * 100, 1)}% of Cognito Lite`, ''],
            ],
          ),
        ]
      : []),
    table(
      ['price', 'USD', 'source'],
      Object.entries(PRICES).map(([name, price]) => [name, price.usd, price.source]),
    ),
  ];
}

function workTable(work: { ES256: WorkReply; HS256?: WorkReply }): string {
  const { ES256: es, HS256: hs } = work;
  return (
    `### Work per request (handlers in-process against DynamoDB Local, ${es.routes.info.samples} requests per route, medians; ` +
    `units as DynamoDB Local reports them with ReturnConsumedCapacity: TOTAL)\n\n` +
    table(
      ['route', 'DynamoDB calls', 'read units', 'write units', 'Kong Admin ES256', 'Kong Admin HS256', 'signatures (KMS Sign)', 'CPU ms ES256', 'CPU ms HS256', 'duration ms', 'calls'],
      Object.entries(es.routes).map(([route, w]) => [
        route,
        w.dynamodb,
        w.readUnits,
        w.writeUnits,
        w.kongAdmin,
        hs?.routes[route]?.kongAdmin ?? '-',
        w.signatures,
        w.cpuMs,
        hs?.routes[route]?.cpuMs ?? '-',
        w.wallMs,
        w.calls.join(', '),
      ]),
    )
  );
}

function cpuTable(work: { ES256: WorkReply; HS256?: WorkReply }): string {
  const { ES256: es, HS256: hs } = work;
  const beyond = signinBeyondHash(es);
  const keycloakLogin = round(1000 / KEYCLOAK.passwordLoginsPerVcpuSecond, 1);
  const keycloakRefresh = round(1000 / KEYCLOAK.refreshesPerVcpuSecond, 1);
  const rows: (string | number)[][] = [
    ['refresh, whole handler (ES256)', es.routes.refresh.cpuMs, keycloakRefresh, round(keycloakRefresh / es.routes.refresh.cpuMs, 1)],
    [`signin beyond one bcrypt compare (cost ${es.bcryptCost}: ${es.hashCpuMs} ms)`, beyond.ms, keycloakLogin, round(keycloakLogin / Math.max(beyond.ms, 0.001), 1)],
    ['signin, whole handler', es.routes.signin.cpuMs, keycloakLogin, round(keycloakLogin / es.routes.signin.cpuMs, 2)],
  ];
  if (hs) {
    rows.push(['refresh, HS256', hs.routes.refresh.cpuMs, keycloakRefresh, round(keycloakRefresh / hs.routes.refresh.cpuMs, 1)]);
    rows.push(['signin beyond the compare, HS256', signinBeyondHash(hs).ms, keycloakLogin, '']);
  }
  const s = es.signing;
  return (
    `### Handler CPU against Keycloak's sizing (${KEYCLOAK.passwordLoginsPerVcpuSecond} password logins/s and ${KEYCLOAK.refreshesPerVcpuSecond} refreshes/s per vCPU)\n\n` +
    table(['measure', 'CPU ms', "Keycloak's ms", 'Keycloak over ours'], rows) +
    `\n\nSigning one access token (CPU per token over ${s.tokens}): ES256 with the prepared KeyObject ${s.es256PreparedKeyUs} µs, ` +
    `ES256 parsing the PEM each time ${s.es256PemPerTokenUs} µs, HS256 ${s.hs256PreparedKeyUs} µs.`
  );
}

function peerTable(peer: PeerReply, pairs: PeerPair[]): string {
  const { hash } = peer;
  const heading =
    `### A peer on this machine, in the same run: ${peer.name} ${peer.version} (CPU per request, medians of ${peer.token.samples})\n\n` +
    `${peer.name}: email and password (${hash.algorithm} N=${hash.N}, r=${hash.r}, p=${hash.p}, ${hash.keyLength}-byte key, ${hash.implementation}), ` +
    `plugins ${peer.plugins.join(', ')}; database: ${peer.adapter}; called through its server API (auth.api.signInEmail, getSession, getToken), ` +
    `in a process of its own, warmed up. Ours: the handlers of the work table (ES256), measured the same way.`;
  const caveats =
    'Caveats, for every row: its database lives in its process and costs next to nothing per statement, where ours is DynamoDB Local ' +
    "over HTTP with the AWS SDK's work (request signing, DynamoDB JSON) counted in our CPU; it is called through its server API, ours " +
    'through the Lambda handler with its event; it does less per sign-in (no gateway credential, no refresh token, no attempt bookkeeping) ' +
    'and its token issue rotates nothing; the two hashes differ (their CPU is the second row, and out of the first); our CPU beyond the ' +
    'hash is the median signin less the median of compares measured apart, theirs the median over sign-ins of each less the scrypt timed ' +
    'inside it. On a busy machine every figure moves from run to run.';
  return (
    `${heading}\n\n` +
    table(
      ['measure', 'ours', 'ours CPU ms', 'what ours does', 'theirs', 'theirs CPU ms', 'what theirs does', 'ours over theirs', 'target: ours at or below'],
      pairs.map((p) => [
        p.measure,
        p.ours.route,
        p.ours.cpuMs,
        p.ours.does,
        p.theirs.operation,
        p.theirs.cpuMs,
        p.theirs.does,
        `${p.oursOverTheirs}x`,
        p.targeted ? (p.ours.cpuMs <= p.theirs.cpuMs ? 'met' : 'MISSED') : '-',
      ]),
    ) +
    `\n\n${caveats}`
  );
}

function scaleTable(scale: ScaleResult): string {
  const row = (name: string, small: LoadResult, large: LoadResult) => [
    name,
    small.latencyMs.p50,
    small.latencyMs.p99,
    large.latencyMs.p50,
    large.latencyMs.p99,
    `${round(large.latencyMs.p50 / small.latencyMs.p50)}x`,
    small.errors + large.errors,
  ];
  const memory = scale.gatewayMemory;
  return (
    `### Scale: ${scale.small.users} against ${scale.large.users} users stored (seeded at ${scale.seeding.usersPerSecond} users/s)\n\n` +
    table(
      ['route (through the gateway)', `p50 ms (${scale.small.users})`, 'p99 ms', `p50 ms (${scale.large.users})`, 'p99 ms', 'p50 growth', 'errors'],
      [
        row('signin', scale.small.signin, scale.large.signin),
        row('refresh', scale.small.refresh, scale.large.refresh),
        row('info', scale.small.info, scale.large.info),
      ],
    ) +
    (memory
      ? `\n\nGateway memory: RSS ${round(memory.rssBeforeBytes / 2 ** 20, 1)} MB before, ${round(memory.rssAfterBytes / 2 ** 20, 1)} MB after ` +
        `${memory.consumersAdded} consumers (each with one ES256 credential): ${memory.bytesPerConsumer} bytes per consumer, ` +
        `${round((memory.bytesPerConsumer * 1000) / 2 ** 20, 2)} MB per 1k.`
      : '\n\nGateway memory: not read (its process was not found).')
  );
}

function gatewayTable(gateway: GatewayResults): string {
  const row = (name: string, g: typeof gateway.jwt) => [name, g.requestsPerSecond, g.gatewayCpuCores, g.requestsPerCpuSecond, round(g.requestsPerCpuSecond / KONG_PER_VCPU, 2), g.latencyMs.p50, g.errors];
  return (
    `### The gateway alone (${gateway.jwt.layout})\n\n` +
    table(
      ['proxy', 'req/s', 'its CPU (cores)', 'req per CPU-second', "over Kong's 6,000", 'p50 ms', 'errors'],
      [
        row("kong.yml's info route: jwt (ES256) + rate-limiting, HTTP upstream", gateway.jwt),
        row('the same with an HS256 token', gateway.jwtHs256),
        row('the same with aws-lambda, Invoke stand-in', gateway.awsLambda),
        row('bare reverse proxy (node:http server, undici pool)', gateway.bareProxy),
      ],
    )
  );
}

/** Markdown tables, ready for docs/performance.md: cost first, then CPU, scale, cold start and the gateway. */
export function formatTables(results: Results): string {
  const { machine, settings } = results;
  const sections = [
    `${results.date}: ${machine.cores} cores (${machine.cpu}, load average ${machine.loadAverage.toFixed(2)} at start), Node ${machine.node}, ` +
      `bcrypt cost ${settings.bcryptCost}, ` +
      `${settings.durationSeconds} s per scenario, ${settings.connections} connections, ${settings.stack}`,
  ];
  if (results.cost) sections.push(...costTables(results.cost));
  if (results.work) sections.push(workTable(results.work), cpuTable(results.work));
  if (results.peer && results.peerComparison) sections.push(peerTable(results.peer, results.peerComparison));
  if (results.bcrypt) {
    sections.push(`bcrypt at cost ${results.bcrypt.cost}: hash ${results.bcrypt.hashMs} ms, compare ${results.bcrypt.compareMs} ms (medians)`);
  }
  if (results.scale) sections.push(scaleTable(results.scale));
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
  if (results.bundles) {
    sections.push(
      `### Cold start: bundles (minified) and module load in a fresh Node process\n\n` +
        table(
          ['function', 'bundle kB', 'load ms', 'largest parts (kB)'],
          results.bundles.map((b) => [b.function, kB(b.bytes), b.loadMs, b.contributors.map((c) => `${c.name} ${c.kB}`).join(', ')]),
        ),
    );
  }
  if (results.gateway) sections.push(gatewayTable(results.gateway));
  sections.push(
    table(
      ['target', 'measured', 'result'],
      results.targets.map((t) => [t.target, t.measured, t.met === null ? '-' : t.met ? 'met' : 'MISSED']),
    ),
  );
  return sections.join('\n\n');
}
