/**
 * A Redis server (Debian's redis-server) for kong.yml's rate limits when they
 * count in Redis (DECK_RATE_LIMIT_POLICY=redis), as one component of the
 * stack. Counts are per minute: nothing is saved to disk.
 */
import type { LogSink } from './child';
import { childComponent, type Component, type CrashHandler } from './component';
import { REPO_ROOT } from './paths';

export interface RedisOptions {
  port: number;
  log?: LogSink;
  onCrash?: CrashHandler;
}

const READY_TIMEOUT_MS = 15_000;

export function redisServer(options: RedisOptions): Component {
  const component = childComponent({
    name: 'redis',
    command: () => ({
      command: 'redis-server',
      // Loopback only; protected mode stays on (nothing but loopback reaches it anyway).
      args: ['--port', String(options.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      cwd: REPO_ROOT,
      env: process.env,
      log: options.log,
    }),
    waitUntilReady: (child) => child.waitForLine((line) => line.includes('Ready to accept connections'), READY_TIMEOUT_MS),
    onCrash: options.onCrash,
  });
  return {
    ...component,
    async start() {
      await component.start().catch((error: Error) => {
        throw new Error(`${error.message} (is redis-server installed? apt-get install redis-server)`);
      });
    },
  };
}
