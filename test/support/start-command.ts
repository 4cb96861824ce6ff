/**
 * `npm start` run as a user runs it, as a child process on free ports and
 * with a data folder of its own, so that it can run beside the suite's stack.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { freePorts, REPO_ROOT } from '../../scripts/stack';

/** What package.json's start script runs. */
export const START_COMMAND = 'node --import tsx scripts/start.ts';

const READY_TIMEOUT_MS = 60_000;

export interface StartedStack {
  /** The process the test started: npm, or start.ts itself. */
  child: ChildProcess;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** KONG_PROXY_PORT... as given to it. */
  ports: Record<string, string>;
  /** Its STACK_DATA_DIR. */
  dataDir: string;
  readyLine: string;
  /** Stops it if it still runs, and removes its data folder. */
  cleanUp(): Promise<void>;
}

/** Runs `npm start` (or, with viaNpm false, what it runs) until its ready line, in memory. */
export async function runStart({ viaNpm = false } = {}): Promise<StartedStack> {
  const [proxy, admin, api, lambda, dynamodb] = (await freePorts(5)).map(String);
  const ports = { KONG_PROXY_PORT: proxy, KONG_ADMIN_PORT: admin, API_PORT: api, LAMBDA_PORT: lambda, DYNAMODB_PORT: dynamodb };
  const dataDir = await mkdtemp(path.join(tmpdir(), 'npm-start-'));
  const [command, ...args] = viaNpm ? ['npm', 'start'] : START_COMMAND.split(' ');
  const child = spawn(command === 'node' ? process.execPath : command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...ports, STACK_IN_MEMORY: '1', STACK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const cleanUp = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  const output: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => output.push(line));
  try {
    const readyLine = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ready line:\n${output.join('\n')}`)), READY_TIMEOUT_MS);
      createInterface({ input: child.stdout! }).on('line', (line) => {
        output.push(line);
        if (line.startsWith('Stack ready')) {
          clearTimeout(timer);
          resolve(line);
        }
      });
      void exited.then(([code]) => reject(new Error(`exited with ${code} before ready:\n${output.join('\n')}`)));
    });
    return { child, exited, ports, dataDir, readyLine, cleanUp };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
