import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Results } from '../../bench/report';
import { REPO_ROOT } from '../../scripts/stack';

const run = promisify(execFile);

/** Only that the bench runs and writes well-formed results: its numbers are not asserted. */
describe('npm run bench', () => {
  let outDir: string;
  let results: Results;

  beforeAll(async () => {
    outDir = await mkdtemp(path.join(tmpdir(), 'bench-smoke-'));
    // Against the tests' stack (global setup put it in the environment), very briefly.
    await run(
      process.execPath,
      [
        '--import', 'tsx', 'bench/run.ts', '--running-stack', '--duration', '1', '--connections', '2',
        '--samples', '2', '--users-small', '20', '--users', '60', '--out', outDir,
      ],
      { cwd: REPO_ROOT, env: process.env },
    );
    const [file] = await readdir(outDir);
    results = JSON.parse(await readFile(path.join(outDir, file), 'utf8'));
    // The limit allows a machine busy with other suites (343 s at a load average of 15 on 2 cores); it is not a measure.
  }, 600_000);

  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('describes the machine and the settings', () => {
    expect(results.machine).toEqual({
      cores: expect.any(Number),
      cpu: expect.any(String),
      node: process.version,
      platform: process.platform,
      loadAverage: expect.any(Number),
    });
    expect(results.settings).toMatchObject({
      durationSeconds: 1,
      connections: 2,
      bcryptCost: Number(process.env.BCRYPT_COST),
      samples: 2,
      users: { small: 20, large: 60 },
    });
  });

  it('measures every scenario without a single error', () => {
    expect(Object.keys(results.scenarios).sort()).toEqual(
      [
        'gatewayAlone',
        'gatewayAwsLambda',
        'gatewayBareProxy',
        'gatewayHs256',
        'infoDirect',
        'infoDirectOneConnection',
        'infoViaGateway',
        'infoViaGatewayOneConnection',
        'refresh',
        'signin',
        'signinOneConnection',
        'signup',
      ].sort(),
    );
    for (const scenario of Object.values(results.scenarios)) {
      expect(scenario.requests).toBeGreaterThan(0);
      expect(scenario.requestsPerSecond).toBeGreaterThan(0);
      expect(scenario.latencyMs.p50).toBeLessThanOrEqual(scenario.latencyMs.p90);
      expect(scenario.latencyMs.p90).toBeLessThanOrEqual(scenario.latencyMs.p99);
      expect(scenario.errors).toBe(0);
    }
    expect(results.healthyAfterwards).toBe(true);
  });

  it('reports bcrypt, ratios and bundles', () => {
    expect(results.bcrypt).toMatchObject({ cost: Number(process.env.BCRYPT_COST), hashMs: expect.any(Number), compareMs: expect.any(Number) });
    expect(results.ratios).toEqual({
      gatewayThroughputCost: expect.any(Number),
      gatewayP50CostMs: expect.any(Number),
      gatewayP50CostMsUnderLoad: expect.any(Number),
      signinP50OverCompare: expect.any(Number),
    });
    expect(results.bundles!.map((bundle) => bundle.function)).toEqual(
      expect.arrayContaining(['signup', 'signin', 'refresh', 'info']),
    );
  });

  it('measures the work of every route in both signing modes', () => {
    for (const work of [results.work!.ES256, results.work!.HS256!]) {
      expect(Object.keys(work.routes)).toEqual(expect.arrayContaining(['signup', 'signin', 'refresh', 'info']));
      for (const route of Object.values(work.routes)) {
        expect(route.total).toBe(route.calls.length);
        expect(route.total).toBeGreaterThanOrEqual(route.dynamodb + route.kongAdmin);
        expect(route.dynamodb).toBe(route.operations.length);
        // DynamoDB Local reports what every call consumed.
        expect(route.unreportedCapacity).toBe(0);
        expect(route.transactionsByRule).toBeLessThanOrEqual(route.dynamodb);
        expect(route.readUnits + route.writeUnits).toBeGreaterThan(0);
        expect(route.cpuMs).toBeGreaterThan(0);
        expect(route.samples).toBe(2);
      }
      expect(work.signing).toEqual({
        tokens: expect.any(Number),
        es256PreparedKeyUs: expect.any(Number),
        es256PemPerTokenUs: expect.any(Number),
        hs256PreparedKeyUs: expect.any(Number),
      });
    }
    // Only ES256 signs with a private key, once per token issued.
    expect(results.work!.ES256.routes.refresh.signatures).toBe(1);
    expect(results.work!.HS256!.routes.refresh.signatures).toBe(0);
  });

  it('prices 1,000 monthly active users beside Cognito and Auth0, with its price table', () => {
    const cost = results.cost!;
    expect(cost.lines.map((line) => line.item)).toEqual(
      expect.arrayContaining(['Lambda requests', 'Lambda duration (arm64)', 'DynamoDB reads', 'DynamoDB writes', 'KMS', 'Kong compute']),
    );
    // Every line says what issue 27 changed in it, and why.
    for (const line of cost.lines) expect(line.changed).toEqual(expect.any(String));
    expect(cost.lines.every((line) => line.changed.length > 0)).toBe(true);
    expect(cost.totalWithInfoPerProtectedRequestUsd).toBeGreaterThan(cost.totalUsd);
    expect(cost.totalUsd).toBeCloseTo(cost.lines.reduce((sum, line) => sum + line.usd, 0), 3);
    expect(cost.comparison).toEqual({
      cognitoLiteUsd: expect.any(Number),
      cognitoEssentialsUsd: expect.any(Number),
      auth0B2cEssentialsUsd: expect.any(Number),
    });
    for (const price of Object.values(cost.prices)) expect(price).toEqual({ usd: expect.any(Number), source: expect.any(String) });
    expect(cost.gatewayBasis).toMatch(/measured in this run/);
  });

  it('compares the small and the large user counts, and reads the gateway memory', () => {
    const scale = results.scale!;
    expect(scale.small.users).toBe(20);
    expect(scale.large.users).toBe(60);
    for (const round of [scale.small, scale.large]) {
      for (const scenario of [round.signin, round.refresh, round.info]) {
        expect(scenario.requests).toBeGreaterThan(0);
        expect(scenario.errors).toBe(0);
      }
    }
    expect(scale.seeding).toEqual({ users: 60, seconds: expect.any(Number), usersPerSecond: expect.any(Number) });
    expect(scale.gatewayMemory).toEqual({
      rssBeforeBytes: expect.any(Number),
      rssAfterBytes: expect.any(Number),
      consumersAdded: 40,
      bytesPerConsumer: expect.any(Number),
    });
  });

  it('measures the gateway, the aws-lambda route and the bare proxy per CPU-second', () => {
    for (const proxy of [results.gateway!.jwt, results.gateway!.jwtHs256, results.gateway!.awsLambda, results.gateway!.bareProxy]) {
      expect(proxy.requestsPerCpuSecond).toBeGreaterThan(0);
      expect(proxy.errors).toBe(0);
    }
  });

  it('measures the peer (better-auth) per request as it measures our handlers, and pairs them', () => {
    const peer = results.peer!;
    expect(peer).toMatchObject({ name: 'better-auth', version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
    expect(peer.hash).toEqual({
      algorithm: 'scrypt',
      N: expect.any(Number),
      r: expect.any(Number),
      p: expect.any(Number),
      keyLength: expect.any(Number),
      implementation: expect.any(String),
      module: expect.any(String),
    });
    for (const operation of [peer.signIn, peer.session, peer.token]) {
      expect(operation.samples).toBe(2);
      expect(operation.cpuMs).toBeGreaterThan(0);
      // Every operation reads its database; a join counts one statement per model.
      expect(operation.operations.length).toBeGreaterThan(0);
      expect(operation.statements).toBeGreaterThanOrEqual(operation.operations.length);
    }
    // The hash is timed inside the sign-in, and what is beyond it is the rest of that sign-in.
    expect(peer.signIn.hashCpuMs).toBeGreaterThan(0);
    expect(peer.signIn.beyondHashCpuMs).toBeLessThanOrEqual(peer.signIn.cpuMs);
    // Its token endpoint signs one ES256 token; its session check signs none.
    expect(peer.token.signatures).toBe(1);
    expect(peer.session.signatures).toBe(0);

    const pairs = results.peerComparison!;
    expect(pairs.filter((pair) => pair.targeted).map((pair) => pair.measure)).toEqual([
      'sign-in beyond the password hash',
      'refresh against its token issue',
      'info against its session check',
    ]);
    for (const pair of pairs) {
      expect(pair.ours).toEqual({ route: expect.any(String), cpuMs: expect.any(Number), does: expect.any(String) });
      expect(pair.theirs).toEqual({ operation: expect.any(String), cpuMs: expect.any(Number), does: expect.any(String) });
      expect(pair.oursOverTheirs).toEqual(expect.any(Number));
    }
    expect(pairs.find((pair) => pair.measure === 'info against its session check')!.ours.cpuMs).toBe(results.work!.ES256.routes.info.cpuMs);
    expect(results.targets.filter((target) => target.target.startsWith('peer:'))).toHaveLength(3);
  });

  it('judges every target', () => {
    expect(results.targets.length).toBeGreaterThan(0);
    for (const target of results.targets) {
      expect(target).toEqual({ target: expect.any(String), measured: expect.any(String), met: expect.any(Boolean) });
    }
  });
});
