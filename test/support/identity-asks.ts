/**
 * A private stack whose gateway logs its request lines (GATEWAY_LOG), so a
 * test can count how often forward-auth asked the identity provider (the
 * gateway's own GET /api/session/authenticate) while a block ran.
 */
import type { Stack, StackOptions } from '../../scripts/stack';
import { startPrivateStack } from './stack';

export interface WatchedStack {
  stack: Stack;
  /** What `block` returned, and how many times the identity provider was asked meanwhile. */
  asked<T>(block: () => Promise<T>): Promise<{ result: T; asked: number }>;
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startWatchedStack(options: Omit<StackOptions, 'ports' | 'log'> = {}): Promise<WatchedStack> {
  const lines: string[] = [];
  const previous = process.env.GATEWAY_LOG;
  process.env.GATEWAY_LOG = '1';
  const restore = () => {
    if (previous === undefined) delete process.env.GATEWAY_LOG;
    else process.env.GATEWAY_LOG = previous;
  };
  // Kept set while the stack runs: a component restarted later reads it again.
  let stack: Stack;
  try {
    stack = await startPrivateStack({
      ...options,
      log: (component, _stream, line) => {
        if (component === 'gateway') lines.push(line);
      },
    });
  } catch (error) {
    restore();
    throw error;
  }
  return {
    stack,
    async asked(block) {
      // The gateway logs after each answer: settle before and after the block.
      await sleep(200);
      const before = lines.length;
      const result = await block();
      await sleep(300);
      return { result, asked: lines.slice(before).filter((line) => /^proxy GET \/api\/session\/authenticate /.test(line)).length };
    },
    async stop() {
      try {
        await stack.stop();
      } finally {
        restore();
      }
    },
  };
}
