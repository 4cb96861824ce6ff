/**
 * How long the stack's processes live: no longer than the process that
 * started them, however it ends.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './paths';

let reaper: ChildProcess | undefined;

/** One watchdog per process that starts components, started with the first of them. */
function startReaper(): ChildProcess {
  const child = fork(path.join(__dirname, 'reaper.ts'), [], {
    cwd: REPO_ROOT,
    execArgv: ['--import', 'tsx'],
    // Its own process group: a Ctrl-C meant for the stack must not stop its watchdog first.
    detached: true,
    stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
  });
  // Neither it nor its channel may keep this process alive...
  child.unref();
  child.channel?.unref();
  // ...and losing the watchdog must not take the stack down with it.
  child.on('error', () => {});
  return child;
}

/** Has the watchdog stop process group `pgid` should this process die without doing so. */
export function guardGroup(pgid: number): void {
  reaper ??= startReaper();
  if (reaper.connected) reaper.send({ watch: pgid });
}

/** The group has been stopped (or ended by itself): nothing for the watchdog to do about it. */
export function releaseGroup(pgid: number): void {
  if (reaper?.connected) reaper.send({ release: pgid });
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Calls `callback` once the process that started this one has gone. A
 * parent's death sends nothing to its children: `npm start` relays SIGINT
 * and SIGTERM to us, but SIGHUP and SIGKILL end npm alone and leave us
 * running with nobody left to stop us. Polling is the portable way to notice.
 */
export function onParentGone(callback: () => void, intervalMs = 500): void {
  const parent = process.ppid;
  // Started by init, or as a container's first process: there is no one to outlive.
  if (parent <= 1) return;
  const timer = setInterval(() => {
    if (isRunning(parent)) return;
    clearInterval(timer);
    callback();
  }, intervalMs);
  timer.unref();
}
