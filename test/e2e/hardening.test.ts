/**
 * What an outside attack run found, on a stack of its own:
 * - DynamoDB stalls mid-flow, then resumes and applies what it had queued:
 *   the client was told 503, and its retry must not be mistaken for an
 *   attack. The stall hits requests at whatever step they are, so which of
 *   them had a write land late differs from run to run; every retry must
 *   succeed anyway.
 * - A stolen access token must not make the password change an unthrottled
 *   oracle for the current password.
 * - A burst gets answers (success, 4xx, or 503 with Retry-After when the
 *   service sheds load), never a gateway error. Production's bcrypt cost
 *   here, so that the burst costs what it does for real.
 */
import type { Stack } from '../../scripts/stack';
import { PASSWORD, uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { startPrivateStack, TEST_RATE_LIMITS } from '../support/stack';
import { awayFromMinuteEnd } from '../support/rate-windows';

const PASSWORD_CHANGES_PER_MINUTE = 3;

let stack: Stack;
const gateway = () => client(stack.urls.proxy);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  // Short DynamoDB timeouts, so a stall turns into 503s quickly.
  stack = await startPrivateStack({
    env: { DYNAMODB_TIMEOUT_MS: '1000', BCRYPT_COST: '10' },
    rateLimits: { ...TEST_RATE_LIMITS, password: PASSWORD_CHANGES_PER_MINUTE },
  });
}, 120_000);

afterAll(async () => {
  stack?.components.dynamodb.freeze(false);
  await stack?.stop();
});

/**
 * A signed-in user for a test's setup. This stack answers 503 readily (short
 * DynamoDB timeouts, production's bcrypt cost, a busy CI machine), and the
 * setup is not what these tests are about: a 503 is simply retried, as the
 * service asks.
 */
async function newSession(prefix: string) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await gateway().newSession(prefix);
    } catch (error) {
      if (attempt === 5 || !/: 503 /.test((error as Error).message)) throw error;
      await pause(1000);
    }
  }
}

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
  const sessions: Awaited<ReturnType<typeof newSession>>[] = [];
  for (let i = 0; i < 12; i++) sessions.push(await newSession('stall'));
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

it('limits password changes per consumer at the gateway, whoever holds the token', async () => {
  const { tokens } = await newSession('oracle');
  await awayFromMinuteEnd();
  const guesses = [];
  for (let i = 0; i <= PASSWORD_CHANGES_PER_MINUTE; i++) {
    guesses.push(await gateway().changePassword(tokens.access_token, `guess number ${i} of many`, 'a new password of length'));
  }
  expect(guesses.slice(0, PASSWORD_CHANGES_PER_MINUTE).map((r) => r.status)).toEqual(Array(PASSWORD_CHANGES_PER_MINUTE).fill(403));
  expect(guesses[PASSWORD_CHANGES_PER_MINUTE].status).toBe(429);
  expect(Number(guesses[PASSWORD_CHANGES_PER_MINUTE].headers.get('retry-after'))).toBeGreaterThan(0);
  // Another user is not affected.
  const other = await newSession('oracle');
  expect((await gateway().changePassword(other.tokens.access_token, 'not it either', 'a new password of length')).status).toBe(403);
}, 60_000);

// Account protection admits one username's attempts one at a time (lib/protection), so some of a
// burst at one account get 429 too; what matters here is that every answer says what to do next.
it('answers a burst of concurrent signins of one user with tokens, or 429/503 and Retry-After, never with a gateway error', async () => {
  const { username } = await newSession('burst');
  const answers = await Promise.all(Array.from({ length: 50 }, () => gateway().signin(username)));
  for (const answer of answers) {
    expect([200, 429, 503]).toContain(answer.status);
    if (answer.status !== 200) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  expect(answers.some((answer) => answer.status === 200)).toBe(true);
}, 120_000);
