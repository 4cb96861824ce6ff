/**
 * DynamoDB stalls mid-flow, then resumes and applies what it had queued: the
 * client was told 503, and its retry must not be mistaken for an attack.
 * The stall hits requests at whatever step they are, so which of them had a
 * write land late differs from run to run; every retry must succeed anyway.
 */
import type { Stack } from '../../scripts/stack';
import { PASSWORD, uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { startPrivateStack, warmUpSignupWorkers } from '../support/stack';

let stack: Stack;
const gateway = () => client(stack.urls.proxy);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // Short DynamoDB timeouts, so a stall turns into 503s quickly.
  stack = await startPrivateStack({ env: { DYNAMODB_TIMEOUT_MS: '300' } });
  // Twelve signups at once below: a stall should catch them mid-flow, not while their workers start.
  await warmUpSignupWorkers(stack.urls.proxy, 12);
}, 120_000);

afterAll(async () => {
  stack?.components.dynamodb.freeze(false);
  await stack?.stop();
});

/** Runs `requests`, stalls DynamoDB `afterMs` after they start, and resumes it once they have all answered. */
async function throughAStall<T>(requests: () => Promise<T>[], afterMs = 25): Promise<T[]> {
  const answers = Promise.all(requests());
  await pause(afterMs);
  stack.components.dynamodb.freeze(true);
  try {
    return await answers;
  } finally {
    stack.components.dynamodb.freeze(false);
    // Let DynamoDB apply what queued up while it stood still.
    await pause(1000);
  }
}

// Stalls at several moments, so that some refreshes are caught between their read and their write.
it.each([40, 120])('answers a refresh retried after a 503 with tokens, never by revoking the session (stall after %i ms)', async (afterMs) => {
  const sessions = await Promise.all(Array.from({ length: 12 }, () => gateway().newSession('stall')));
  const first = await throughAStall(() => sessions.map((s) => gateway().refresh(s.tokens.refresh_token)), afterMs);
  expect(first.every((r) => r.status === 200 || r.status === 503)).toBe(true);

  const retried = await Promise.all(first.map((answer, i) => (answer.status === 200 ? answer : gateway().refresh(sessions[i].tokens.refresh_token))));
  expect(retried.map((r) => r.status)).toEqual(Array(sessions.length).fill(200));
  // The sessions go on.
  const next = await Promise.all(retried.map((r) => gateway().refresh(r.body.refresh_token)));
  expect(next.map((r) => r.status)).toEqual(Array(sessions.length).fill(200));
}, 60_000);

it('lets a signup that answered 503 be retried at once, with the same outcome', async () => {
  const names = Array.from({ length: 12 }, () => uniqueName('stall'));
  const first = await throughAStall(() => names.map((name) => gateway().signup(name)));
  expect(first.every((r) => r.status === 201 || r.status === 503)).toBe(true);

  for (const [i, answer] of first.entries()) {
    if (answer.status === 503) expect((await gateway().signup(names[i])).status).toBe(201);
    expect((await gateway().signin(names[i], PASSWORD)).status).toBe(200);
  }
}, 60_000);
