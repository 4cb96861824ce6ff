/**
 * openapi.yaml passes a maintained OpenAPI linter (Redocly CLI's recommended
 * rules, redocly.yaml), offline: the description refers to nothing remote.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..', '..', '..');

it('passes redocly lint with no problem left', async () => {
  const run = promisify(execFile);
  const redocly = path.join(ROOT, 'node_modules', '.bin', 'redocly');
  // No telemetry and no update check: nothing leaves the machine.
  const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' };
  const { stdout, stderr } = await run(redocly, ['lint', '--format=stylish', 'openapi.yaml'], { cwd: ROOT, env }).catch((error) => {
    throw new Error(`redocly lint failed:\n${error.stdout}\n${error.stderr}`);
  });
  expect(`${stdout}\n${stderr}`).toMatch(/Your API description is valid/);
  expect(stdout).not.toMatch(/^\s*\d+:\d+\s+warning/m);
}, 60_000);
