/**
 * What every AttemptStore answers, whatever keeps the counts: the unit tests
 * hold the in-memory twin to it, the integration tests the DynamoDB adapter,
 * so the twin the flows are tested with behaves as the table does. Time is
 * passed in, so no test waits for a delay to run out.
 */
import { randomBytes } from 'node:crypto';
import type { Limits } from '../../lib/protection/limits';
import type { AttemptStore } from '../../lib/protection/store';

export const CONTRACT_LIMITS: Limits = {
  freeFailures: 5,
  maxDelaySeconds: 900,
  resetAfterSeconds: 3600,
  addressFailures: 30,
  addressWindowSeconds: 600,
  addressBlockSeconds: 900,
};

const T0 = 1_700_000_000_000;
const fresh = (prefix: string) => `${prefix}-${randomBytes(5).toString('hex')}`;

export function attemptStoreContract(makeStore: (limits: Limits) => AttemptStore): void {
  const store = makeStore(CONTRACT_LIMITS);

  /** `n` admitted attempts at `at`, each failing (never reset). */
  async function fail(key: string, n: number, at: number) {
    const attempts: number[] = [];
    for (let i = 0; i < n; i++) {
      const admission = await store.begin(key, at);
      if (!admission.admitted) throw new Error(`attempt ${i + 1} refused`);
      attempts.push(admission.attempt);
    }
    return attempts;
  }

  describe('per key', () => {
    it('admits five failures freely; the sixth holds the key off for 2 s, whatever comes next', async () => {
      const key = fresh('user');
      expect(await fail(key, 6, T0)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await store.begin(key, T0)).toEqual({ admitted: false, retryAt: T0 + 2000 });
      expect(await store.begin(key, T0 + 1999)).toEqual({ admitted: false, retryAt: T0 + 2000 });
      expect(await store.begin(key, T0 + 2000)).toEqual({ admitted: true, attempt: 7 });
    });

    /** Fails the free attempts at once, then each further one as soon as allowed, up to `attempts`: the delays met, and when the last ran out. */
    async function failThrough(key: string, attempts: number) {
      let now = T0;
      await fail(key, CONTRACT_LIMITS.freeFailures, now);
      const delays: number[] = [];
      for (let attempt = CONTRACT_LIMITS.freeFailures + 1; attempt <= attempts; attempt++) {
        expect(await store.begin(key, now)).toEqual({ admitted: true, attempt });
        const probe = await store.begin(key, now);
        if (probe.admitted) throw new Error(`attempt ${attempt} left no delay`);
        delays.push((probe.retryAt - now) / 1000);
        now = probe.retryAt;
      }
      return { delays, now };
    }

    it('doubles the delay with each further failure, up to the cap, and no further', async () => {
      const { delays } = await failThrough(fresh('user'), 18);
      expect(delays).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900, 900]);
    });

    it('forgets the count after a quiet hour, even at the cap', async () => {
      const key = fresh('user');
      const { now } = await failThrough(key, 16);
      const quiet = now + 3600 * 1000 + 1;
      expect(await store.begin(key, quiet)).toEqual({ admitted: true, attempt: 1 });
      expect(await fail(key, 5, quiet)).toEqual([2, 3, 4, 5, 6]);
      expect(await store.begin(key, quiet)).toEqual({ admitted: false, retryAt: quiet + 2000 });
    });

    it('starts over after a reset (a correct password)', async () => {
      const key = fresh('user');
      await fail(key, 6, T0);
      await store.reset(key);
      expect(await fail(key, 6, T0)).toEqual([1, 2, 3, 4, 5, 6]);
    });

    it('keeps keys apart', async () => {
      const [a, b] = [fresh('user'), fresh('user')];
      await fail(a, 6, T0);
      expect(await store.begin(b, T0)).toEqual({ admitted: true, attempt: 1 });
    });

    it('admits 50 concurrent attempts one by one: six, and no more, get through', async () => {
      const key = fresh('user');
      const admissions = await Promise.all(Array.from({ length: 50 }, () => store.begin(key, T0)));
      const admitted = admissions.filter((a) => a.admitted);
      expect(admitted.map((a) => (a.admitted ? a.attempt : 0)).sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
      for (const refused of admissions.filter((a) => !a.admitted)) expect(refused).toEqual({ admitted: false, retryAt: T0 + 2000 });
    });
  });

  describe('per address', () => {
    it('blocks an address at its 30th failure in the window, for 15 minutes, and names the failure that did it', async () => {
      const address = fresh('10.0.0');
      const results: Array<number | undefined> = [];
      for (let i = 0; i < 30; i++) results.push(await store.recordFailure(address, T0 + i));
      expect(results.slice(0, 29).every((r) => r === undefined)).toBe(true);
      expect(results[29]).toBe(T0 + 29 + 900_000);
      expect(await store.blockedUntil(address, T0 + 30)).toBe(T0 + 29 + 900_000);
      expect(await store.blockedUntil(address, T0 + 29 + 900_000)).toBeUndefined();
    });

    it('counts within a window only: failures spread wider never block', async () => {
      const address = fresh('10.0.1');
      for (let i = 0; i < 60; i++) expect(await store.recordFailure(address, T0 + i * 21_000)).toBeUndefined();
      expect(await store.blockedUntil(address, T0 + 60 * 21_000)).toBeUndefined();
    });

    it('blocks once under concurrency: exactly one of many concurrent failures reaching the limit starts the block', async () => {
      const address = fresh('10.0.2');
      const results = await Promise.all(Array.from({ length: 40 }, () => store.recordFailure(address, T0)));
      expect(results.filter((r) => r !== undefined)).toEqual([T0 + 900_000]);
      expect(await store.blockedUntil(address, T0 + 1)).toBe(T0 + 900_000);
    });

    it('knows nothing of an address it never saw', async () => {
      expect(await store.blockedUntil(fresh('10.0.3'), T0)).toBeUndefined();
    });
  });
}
