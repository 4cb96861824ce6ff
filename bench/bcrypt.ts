/** What one bcrypt hash and compare cost at the handlers' work factor: the floor under signup and signin. */
import bcrypt from 'bcryptjs';
import { performance } from 'node:perf_hooks';
import { percentiles } from './load';

export interface BcryptResult {
  cost: number;
  samples: number;
  /** Medians, in milliseconds. */
  hashMs: number;
  compareMs: number;
}

async function median(samples: number, run: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return percentiles(times).p50;
}

/**
 * One hash and one compare at `cost`, called as lib/passwords.ts calls them
 * (bcryptjs, asynchronous), on an otherwise idle process.
 */
export async function measureBcrypt(cost: number, samples = 7): Promise<BcryptResult> {
  const password = 'correct horse battery staple';
  const hash = await bcrypt.hash(password, cost); // also warms the code up
  return {
    cost,
    samples,
    hashMs: await median(samples, () => bcrypt.hash(password, cost)),
    compareMs: await median(samples, () => bcrypt.compare(password, hash)),
  };
}
