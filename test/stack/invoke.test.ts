/**
 * `sls invoke local`, the second of the three ways the functions are used
 * (docs/invoking.md): the example events the docs use, against the suite's
 * stack, as a user runs them against `npm start`'s. Each call bundles its
 * function and starts osls: tens of seconds on a busy machine.
 */
import { execFile } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { localBin, REPO_ROOT } from '../../scripts/stack';
import { exampleEvent, valuesFromAnswer } from '../../scripts/event';

const INVOKE_TIMEOUT_MS = 240_000;

// Its own bundle folder (serverless-esbuild takes it relative to the repository), apart from the stacks' API.
const workFolder = path.join('.esbuild', `invoke-local-${process.pid}`);

afterAll(() => rm(path.join(REPO_ROOT, workFolder), { recursive: true, force: true }));

/**
 * `sls invoke local --stage local -f <fn> --data <event>` with the stack's
 * settings in the environment, as `eval "$(npx tsx scripts/aws-env.ts)"`
 * gives them for `npm start`'s stack.
 */
async function invokeLocal(fn: string, event: string) {
  const { stdout, stderr } = await promisify(execFile)(localBin('serverless'), ['invoke', 'local', '--stage', 'local', '-f', fn, '--data', event], {
    cwd: REPO_ROOT,
    env: { ...process.env, SLS_TELEMETRY_DISABLED: '1', ESBUILD_WORK_FOLDER: workFolder },
    maxBuffer: 16 * 1024 * 1024,
    timeout: INVOKE_TIMEOUT_MS,
  });
  // The answer is the last thing printed, after the handler's log lines.
  const answer = JSON.parse(stdout.slice(stdout.lastIndexOf('\n{\n') + 1));
  return { status: answer.statusCode as number, printed: stdout, stderr };
}

it('signs up, signs in and refreshes with the example events, printing no warning', async () => {
  const signup = await invokeLocal('signup', exampleEvent('signup'));
  expect(signup.status).toBe(201);

  const signin = await invokeLocal('signin', exampleEvent('signin'));
  expect(signin.status).toBe(200);
  const tokens = valuesFromAnswer(signin.printed);
  expect(Object.keys(tokens).sort()).toEqual(['ACCESS_TOKEN', 'REFRESH_TOKEN']);

  const refresh = await invokeLocal('refresh', exampleEvent('refresh', tokens));
  expect(refresh.status).toBe(200);

  for (const { stderr, printed } of [signup, signin, refresh]) {
    expect(`${stderr}${printed}`).not.toMatch(/warning/i);
  }
}, 3 * INVOKE_TIMEOUT_MS);
