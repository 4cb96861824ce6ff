import { HealthCheck, type Probe } from '../../../lib/health/health';

const up: Probe = async () => {};
const down: Probe = async () => {
  throw new Error('connect ECONNREFUSED');
};
/** A dependency that hangs: answers only when its signal tells it to give up. */
const hangs: Probe = (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
/** One that ignores its signal altogether and never settles. */
const deaf: Probe = () => new Promise(() => {});

const TIMEOUT_MS = 50;
const check = (dynamodb: Probe, kong: Probe) => new HealthCheck({ dynamodb, kong }, TIMEOUT_MS).check();

it('is healthy when both dependencies answer', async () => {
  expect(await check(up, up)).toEqual({ failed: [] });
});

it.each([
  ['DynamoDB fails', down, up, ['dynamodb']],
  ['Kong fails', up, down, ['kong']],
  ['both fail', down, down, ['dynamodb', 'kong']],
])('names what failed when %s', async (_, dynamodb, kong, failed) => {
  expect(await check(dynamodb, kong)).toEqual({ failed });
});

it('counts a dependency that does not answer in time as failed, and tells it to stop', async () => {
  let aborted = false;
  const watched: Probe = (signal) => {
    signal.addEventListener('abort', () => (aborted = true));
    return hangs(signal);
  };
  expect(await check(watched, up)).toEqual({ failed: ['dynamodb'] });
  expect(aborted).toBe(true);
});

it('does not wait for a probe that ignores its signal', async () => {
  expect(await check(up, deaf)).toEqual({ failed: ['kong'] });
});

it('asks both at once: a slow one does not use up the time of the other', async () => {
  let kongAsked = false;
  const kong: Probe = async () => {
    kongAsked = true;
  };
  // Answers only once Kong has been asked too: asked one after the other, it would run out of time.
  const dynamodb: Probe = async (signal) => {
    await new Promise((resolve) => setImmediate(resolve));
    if (!kongAsked) return hangs(signal);
  };
  expect(await check(dynamodb, kong)).toEqual({ failed: [] });
});
