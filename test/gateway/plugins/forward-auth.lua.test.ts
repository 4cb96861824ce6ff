/**
 * The Lua plugin's unit tests (busted on LuaJIT, `npm run test:lua`) run as
 * part of `npm test`, so that a change to kong/plugins/forward-auth cannot pass
 * unnoticed. Needs the Debian packages lua-busted and luajit.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

interface Outcome {
  name: string;
  message?: string;
}

interface BustedReport {
  successes: Outcome[];
  failures: Outcome[];
  errors: Outcome[];
  pendings: Outcome[];
}

test('busted: kong/plugins/forward-auth passes its unit tests on LuaJIT', () => {
  // Settings (LuaJIT, where the specs are) come from the repository's .busted.
  const run = spawnSync('busted', ['--output=json'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
  if (run.error) {
    throw new Error(`cannot run busted (${run.error.message}): apt-get install -y lua-busted luajit`);
  }
  let report: BustedReport;
  try {
    report = JSON.parse(run.stdout) as BustedReport;
  } catch {
    throw new Error(`busted exited with ${run.status} without a report:\n${run.stdout}\n${run.stderr}`);
  }
  const summarize = (outcomes: Outcome[]) => outcomes.map(({ name, message }) => `${name}: ${message ?? ''}`);
  expect({ failures: summarize(report.failures), errors: summarize(report.errors), skipped: summarize(report.pendings) })
    .toEqual({ failures: [], errors: [], skipped: [] });
  expect(report.successes.length).toBeGreaterThan(0);
  expect(run.status).toBe(0);
});
