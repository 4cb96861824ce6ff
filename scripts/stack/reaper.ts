/**
 * The stack's watchdog, a process of its own (see lifetime.ts). The process
 * that starts components stops them itself when it can: on a signal, on
 * exit. When it cannot (SIGKILL, a fatal crash), its IPC channel to this
 * process closes, and whatever process groups it still reported as running
 * get SIGTERM, then SIGKILL, so that no DynamoDB Local or API is left behind
 * holding its port.
 */
import { setTimeout as delay } from 'node:timers/promises';

const STOP_GRACE_MS = 5000;
const POLL_INTERVAL_MS = 100;

const groups = new Set<number>();

process.on('message', (message: { watch?: number; release?: number }) => {
  if (message.watch) groups.add(message.watch);
  if (message.release) groups.delete(message.release);
});

/** Signals a process group; false once it is gone. */
function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

process.once('disconnect', async () => {
  const running = [...groups].filter((pgid) => signalGroup(pgid, 'SIGTERM'));
  // Zombies still count as a group here, where nobody reaps orphans: the
  // grace period then runs out, and SIGKILL changes nothing for them.
  const deadline = Date.now() + STOP_GRACE_MS;
  while (running.some((pgid) => signalGroup(pgid, 0)) && Date.now() < deadline) await delay(POLL_INTERVAL_MS);
  for (const pgid of running) signalGroup(pgid, 'SIGKILL');
  process.exit(0);
});
