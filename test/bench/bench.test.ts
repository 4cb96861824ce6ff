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
      ['--import', 'tsx', 'bench/run.ts', '--running-stack', '--duration', '1', '--connections', '2', '--out', outDir],
      { cwd: REPO_ROOT, env: process.env },
    );
    const [file] = await readdir(outDir);
    results = JSON.parse(await readFile(path.join(outDir, file), 'utf8'));
  }, 120_000);

  afterAll(() => rm(outDir, { recursive: true, force: true }));

  it('describes the machine and the settings', () => {
    expect(results.machine).toEqual({
      cores: expect.any(Number),
      cpu: expect.any(String),
      node: process.version,
      platform: process.platform,
      loadAverage: expect.any(Number),
    });
    expect(results.settings).toMatchObject({ durationSeconds: 1, connections: 2, bcryptCost: Number(process.env.BCRYPT_COST) });
  });

  it('measures every scenario without a single error', () => {
    expect(Object.keys(results.scenarios).sort()).toEqual(
      [
        'gatewayAlone',
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

  it('reports bcrypt, ratios, round trips and bundles', () => {
    expect(results.bcrypt).toMatchObject({ cost: Number(process.env.BCRYPT_COST), hashMs: expect.any(Number), compareMs: expect.any(Number) });
    expect(results.ratios).toEqual({
      gatewayThroughputCost: expect.any(Number),
      gatewayP50CostMs: expect.any(Number),
      gatewayP50CostMsUnderLoad: expect.any(Number),
      signinP50OverCompare: expect.any(Number),
    });
    expect(Object.keys(results.roundTrips!)).toEqual(expect.arrayContaining(['signup', 'signin', 'refresh', 'info']));
    for (const trips of Object.values(results.roundTrips!)) {
      expect(trips.total).toBe(trips.calls.length);
      expect(trips.total).toBeGreaterThanOrEqual(trips.dynamodb + trips.kongAdmin);
    }
    expect(results.bundles!.map((bundle) => bundle.function)).toEqual(
      expect.arrayContaining(['signup', 'signin', 'refresh', 'info']),
    );
  });

  it('judges every target', () => {
    expect(results.targets.length).toBeGreaterThan(0);
    for (const target of results.targets) {
      expect(target).toEqual({ target: expect.any(String), measured: expect.any(String), met: expect.any(Boolean) });
    }
  });
});
