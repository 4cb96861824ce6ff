/**
 * `npm start` run as a user runs it, as a child process on free ports and
 * with a data folder of its own, so that it can run beside the suite's
 * stack; and the processes it leaves running, or not.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as delay } from 'node:timers/promises';
import { promisify } from 'node:util';
import { freePorts, REPO_ROOT } from '../../scripts/stack';

/** What package.json's start script runs, after `exec` (see start.test.ts). */
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

/** Runs `npm start` (or, with viaNpm false, what it runs) until its ready line, in memory; `env` adds settings. */
export async function runStart({ viaNpm = false, env = {} as Record<string, string> } = {}): Promise<StartedStack> {
  const [proxy, admin, api, lambda, dynamodb, smtp, web] = (await freePorts(7)).map(String);
  const ports = { KONG_PROXY_PORT: proxy, KONG_ADMIN_PORT: admin, API_PORT: api, LAMBDA_PORT: lambda, DYNAMODB_PORT: dynamodb, MAILDEV_SMTP_PORT: smtp, MAILDEV_WEB_PORT: web };
  const dataDir = await mkdtemp(path.join(tmpdir(), 'npm-start-'));
  const [command, ...args] = viaNpm ? ['npm', 'start'] : START_COMMAND.split(' ');
  const child = spawn(command === 'node' ? process.execPath : command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...ports, STACK_IN_MEMORY: '1', STACK_DATA_DIR: dataDir, ...env },
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

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** ps's STAT: Z for a zombie, dead but not yet reaped. */
  state: string;
  args: string;
}

/** Every process on the machine, as `ps` (procps or BSD) lists them. */
async function processes(): Promise<ProcessInfo[]> {
  const { stdout } = await promisify(execFile)('ps', ['-A', '-o', 'pid=,ppid=,stat=,args=']);
  return stdout
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s*(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, pid, ppid, state, args]) => ({ pid: Number(pid), ppid: Number(ppid), state, args }));
}

/** The living processes below `pid`, however deep. */
export async function descendants(pid: number): Promise<ProcessInfo[]> {
  const all = (await processes()).filter((process) => !process.state.startsWith('Z'));
  const found: ProcessInfo[] = [];
  const parents = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const process of all) {
      if (parents.has(process.ppid) && !parents.has(process.pid)) {
        parents.add(process.pid);
        found.push(process);
        grew = true;
      }
    }
  }
  return found;
}

/**
 * Those of `watched` still alive, once none of them is or `patienceMs` has
 * passed: stopping takes a moment (the watchdog gives its groups 5 s), and
 * how long is not what is tested.
 */
export async function survivors(watched: ProcessInfo[], patienceMs = 30_000): Promise<ProcessInfo[]> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const alive = new Map((await processes()).filter((p) => !p.state.startsWith('Z')).map((p) => [p.pid, p.args]));
    // A pid reused since by an unrelated process shows other arguments.
    const left = watched.filter((process) => alive.get(process.pid) === process.args);
    if (left.length === 0 || Date.now() > deadline) return left;
    await delay(100);
  }
}
