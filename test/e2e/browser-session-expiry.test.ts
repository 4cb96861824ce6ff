/**
 * Idle and absolute expiry of browser sessions, with short lifetimes set by
 * configuration on a stack of its own. Each refusal is checked once a
 * lifetime has surely passed, and the sliding expiry on what the session
 * stores; only the first requests after sign-in must come within the idle
 * timeout (3 s), and within the absolute lifetime for the session in use.
 */
import { GetCommand, UpdateCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Stack } from '../../scripts/stack';
import { hashSessionId } from '../../lib/browser-sessions/session';
import { browserSessions, sessionSet } from '../support/browser-sessions';
import { uniqueName } from '../support/clients';
import { startPrivateStack, withDynamo } from '../support/stack';

const IDLE = 3;
const ABSOLUTE = 6;
const LOGIN_HINT = { code: 'login_required', message: 'Please sign in', login_url: '/signin' };

let stack: Stack;
let web: ReturnType<typeof browserSessions>;
beforeAll(async () => {
  stack = await startPrivateStack({
    env: { SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE), SESSION_ABSOLUTE_LIFETIME_SECONDS: String(ABSOLUTE) },
  });
  web = browserSessions(stack.urls.proxy);
}, 180_000);
afterAll(() => stack?.stop());

const sleep = (seconds: number) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** The stored session item, read or changed with this stack's key. */
function stored<T>(session: string, use: (db: DynamoDBDocumentClient, key: { id: string }, table: string) => Promise<T>): Promise<T> {
  return withDynamo(stack.urls.dynamodb, (client) => use(DynamoDBDocumentClient.from(client), { id: `browser#${hashSessionId(session)}` }, stack.env.TOKENS_TABLE));
}
const item = (session: string) => stored(session, async (db, Key, TableName) => (await db.send(new GetCommand({ TableName, Key }))).Item!);

async function signedIn() {
  const username = uniqueName('expiry');
  await web.register(username);
  return sessionSet(await web.login(username))!;
}

it('stores the configured lifetimes: idle from the last use, absolute from sign-in', async () => {
  const session = await signedIn();
  const { createdAt, lastSeenAt, idleExpiresAt, absoluteExpiresAt, expiresAt } = await item(session);
  expect({ idle: idleExpiresAt - lastSeenAt, absolute: absoluteExpiresAt - createdAt, ttl: expiresAt }).toEqual({ idle: IDLE, absolute: ABSOLUTE, ttl: idleExpiresAt });
});

it('slides the idle expiry with use', async () => {
  const session = await signedIn();
  // As if the last use were two seconds ago: the next one moves the expiry on.
  await stored(session, (db, Key, TableName) =>
    db.send(new UpdateCommand({ TableName, Key, UpdateExpression: 'SET lastSeenAt = lastSeenAt - :two', ExpressionAttributeValues: { ':two': 2 } })),
  );
  const before = await item(session);
  expect((await web.authenticate(session)).status).toBe(200);
  const after = await item(session);
  expect(after.lastSeenAt).toBeGreaterThan(before.lastSeenAt);
  expect(after.idleExpiresAt).toBe(Math.min(after.lastSeenAt + IDLE, after.absoluteExpiresAt));
});

it('ends an idle session, and one in use at its absolute lifetime', async () => {
  const [idle, busy] = await Promise.all([signedIn(), signedIn()]);
  // The busy one as if used a moment ago and ever since: use pushes its idle
  // expiry (and TTL) as far as the absolute lifetime, and no further.
  await stored(busy, (db, Key, TableName) =>
    db.send(new UpdateCommand({ TableName, Key, UpdateExpression: 'SET idleExpiresAt = absoluteExpiresAt, expiresAt = absoluteExpiresAt' })),
  );
  await sleep(IDLE + 1);
  expect(await web.profile(idle)).toMatchObject({ status: 401, body: LOGIN_HINT });
  expect((await web.authenticate(busy)).status).toBe(200);
  await sleep(ABSOLUTE - IDLE);
  expect(await web.profile(busy)).toMatchObject({ status: 401, body: LOGIN_HINT });
  const browser = await web.profile(busy, { Accept: 'text/html' });
  expect({ status: browser.status, location: browser.headers.get('location') }).toEqual({ status: 302, location: '/signin?next=%2Fapi%2Fuserprofile' });
}, 30_000);
