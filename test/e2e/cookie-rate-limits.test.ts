/**
 * Issue 22 item 4 on the whole stack: a flood of made-up session cookies
 * meets 429 (the cookie routes' per-address limit, which runs before
 * forward-auth), and the identity provider is asked no more than the limit
 * allows; /api/session/authenticate answers the gateway's key only. A stack
 * of its own, with a low DECK_BROWSER_RATE_LIMIT_PER_MINUTE: the suite's
 * stack runs with limits no test reaches.
 */
import { randomBytes } from 'node:crypto';
import type { Stack } from '../../scripts/stack';
import { browserSessions } from '../support/browser-sessions';
import { startWatchedStack, type WatchedStack } from '../support/identity-asks';
import { TEST_RATE_LIMITS } from '../support/stack';
import { awayFromMinuteEnd } from '../support/rate-windows';

const BROWSER_LIMIT = 8;

let watched: WatchedStack;
let stack: Stack;
let web: ReturnType<typeof browserSessions>;

beforeAll(async () => {
  watched = await startWatchedStack({ rateLimits: { ...TEST_RATE_LIMITS, browser: BROWSER_LIMIT } });
  stack = watched.stack;
  web = browserSessions(stack.urls.proxy);
}, 120_000);
afterAll(() => watched?.stop());

const asked = <T>(block: () => Promise<T>) => watched.asked(block);


/** Well formed (<username>.<43 base64url characters>), so forward-auth's shape check lets it through: only the limit stops it. */
const madeUp = () => `eve.${randomBytes(32).toString('base64url')}`;

test('a flood of made-up cookies on the profile API meets 429; the identity provider is asked only within the limit', async () => {
  await awayFromMinuteEnd();
  const { result: statuses, asked: calls } = await asked(async () => {
    const seen: number[] = [];
    for (let i = 0; i < BROWSER_LIMIT + 6; i += 1) seen.push((await web.profile(madeUp())).status);
    return seen;
  });
  expect(statuses).toEqual([...Array(BROWSER_LIMIT).fill(401), ...Array(6).fill(429)]);
  expect(calls).toBe(BROWSER_LIMIT);
  const limited = await web.profile(madeUp());
  expect([limited.status, Number(limited.headers.get('retry-after')) > 0]).toEqual([429, true]);
});

test('/api/session/authenticate answers the gateway only: without its key Kong\'s 401, even for a real session', async () => {
  const { session } = await web.signedIn('cookielimit');
  expect(await web.authenticate(session, {})).toMatchObject({ status: 401, body: { message: 'No API key found in request' } });
  expect(await web.authenticate(session, { apikey: 'made-up' })).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
  expect((await web.authenticate(session)).status).toBe(200);
});
