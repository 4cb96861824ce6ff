import { BrowserSessions } from '../../../lib/browser-sessions/browser-sessions';
import { hashSessionId, parseSessionId } from '../../../lib/browser-sessions/session';
import { MemoryBrowserSessionStore } from '../support/memory-browser-stores';

const IDLE = 1800;
const ABSOLUTE = 12 * 3600;
const owner = { id: 'account-1', username: 'alice', email: 'alice@example.com', firstName: 'Alice' };
const START = Date.UTC(2030, 0, 1);

function setup() {
  const store = new MemoryBrowserSessionStore();
  const sessions = new BrowserSessions(store, { idleSeconds: IDLE, absoluteSeconds: ABSOLUTE });
  return { store, sessions };
}

/** Moves the clock on: sessions count whole seconds of Date.now(). */
const advance = (seconds: number) => jest.setSystemTime(Date.now() + seconds * 1000);

beforeEach(() => {
  jest.useFakeTimers({ now: START, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
});
afterEach(() => jest.useRealTimers());

it('starts a session with 256 random bits, stored only as the SHA-256 of its id, with the identity and the epoch', async () => {
  const { store, sessions } = setup();
  store.epochs.set('alice', 3);
  const { id } = await sessions.start(owner);
  expect(id).toMatch(/^alice\.[A-Za-z0-9_-]{43}$/);
  expect(Buffer.from(id.split('.')[1], 'base64url')).toHaveLength(32);
  const stored = store.sessions.get(hashSessionId(id));
  expect(stored).toMatchObject({ accountId: 'account-1', username: 'alice', email: 'alice@example.com', firstName: 'Alice', epoch: 3 });
  expect(JSON.stringify([...store.sessions])).not.toContain(id.split('.')[1]);
});

it('gives every sign-in a new id', async () => {
  const { sessions } = setup();
  const ids = new Set(await Promise.all([1, 2, 3].map(async () => (await sessions.start(owner)).id)));
  expect(ids.size).toBe(3);
});

it('resumes a live session, and nothing for no id, junk, an unknown id or an id whose username was changed', async () => {
  const { sessions } = setup();
  const { id } = await sessions.start(owner);
  expect(await sessions.resume(id)).toMatchObject({ username: 'alice' });
  const secret = id.split('.')[1];
  for (const presented of [undefined, '', 'junk', `alice.${'A'.repeat(43)}`, `bob.${secret}`, `${id}x`, `../alice.${secret}`]) {
    expect(await sessions.resume(presented)).toBeUndefined();
  }
  expect(parseSessionId(`bob.${secret}`)!.hash).not.toBe(hashSessionId(id));
});

it('refuses a session stored under another username than its id names', async () => {
  const { store, sessions } = setup();
  const { id } = await sessions.start(owner);
  store.sessions.get(hashSessionId(id))!.username = 'mallory';
  expect(await sessions.resume(id)).toBeUndefined();
});

it('ends a session left idle for the idle timeout', async () => {
  const { sessions } = setup();
  const { id } = await sessions.start(owner);
  advance(IDLE - 1);
  expect(await sessions.resume(id)).toBeDefined();
  advance(IDLE);
  expect(await sessions.resume(id)).toBeUndefined();
});

it('slides the idle expiry with use, recording use at most once a minute', async () => {
  const { store, sessions } = setup();
  const { id } = await sessions.start(owner);
  const stored = () => store.sessions.get(hashSessionId(id))!;
  const created = stored().createdAt;
  advance(30);
  await sessions.resume(id);
  expect(stored().lastSeenAt).toBe(created); // within the minute: no write
  advance(30);
  await sessions.resume(id);
  expect(stored()).toMatchObject({ lastSeenAt: created + 60, idleExpiresAt: created + 60 + IDLE });
  // Used every 20 minutes, it outlives the idle timeout many times over.
  for (let i = 0; i < 10; i++) {
    advance(20 * 60);
    expect(await sessions.resume(id)).toBeDefined();
  }
});

it('ends a session at its absolute lifetime however much it is used, the idle expiry never going past it', async () => {
  const { store, sessions } = setup();
  const { id } = await sessions.start(owner);
  const { absoluteExpiresAt } = store.sessions.get(hashSessionId(id))!;
  for (let elapsed = 0; elapsed < ABSOLUTE - 600; elapsed += 600) {
    advance(600);
    expect(await sessions.resume(id)).toBeDefined();
  }
  expect(store.sessions.get(hashSessionId(id))!.idleExpiresAt).toBe(absoluteExpiresAt);
  advance(600);
  expect(await sessions.resume(id)).toBeUndefined();
});

it('ends every session of the user when the epoch moves (sign-out everywhere, password change), and no other user\'s', async () => {
  const { store, sessions } = setup();
  const alice = await sessions.start(owner);
  const bob = await sessions.start({ ...owner, id: 'account-2', username: 'bob' });
  store.epochs.set('alice', 1);
  expect(await sessions.resume(alice.id)).toBeUndefined();
  expect(await sessions.resume(bob.id)).toBeDefined();
  // A sign-in after it records the new epoch.
  expect(await sessions.resume((await sessions.start(owner)).id)).toBeDefined();
});

it('ends a session at logout; ending junk or an unknown id does nothing', async () => {
  const { store, sessions } = setup();
  const { id } = await sessions.start(owner);
  await sessions.end(undefined);
  await sessions.end('junk');
  expect(store.sessions.size).toBe(1);
  await sessions.end(id);
  expect(await sessions.resume(id)).toBeUndefined();
  expect(store.sessions.size).toBe(0);
});

it('still answers when recording use fails: the session only ends sooner', async () => {
  const { store, sessions } = setup();
  const { id } = await sessions.start(owner);
  store.failTouch = true;
  advance(120);
  expect(await sessions.resume(id)).toMatchObject({ username: 'alice' });
});

describe('the security page: listOwn and endOwn', () => {
  const bob = { id: 'account-2', username: 'bob' };

  it('lists the live sessions of the account only, newest first, by their hash, marking the current one', async () => {
    const { store, sessions } = setup();
    const first = await sessions.start(owner);
    advance(60);
    const second = await sessions.start(owner);
    await sessions.start(bob);
    const listed = await sessions.listOwn(owner, second.session.hash);
    expect(listed.map((s) => s.id)).toEqual([second.session.hash, first.session.hash]);
    expect(listed.map((s) => s.current)).toEqual([true, false]);
    expect(listed[0]).toMatchObject({ created_at: new Date(START + 60_000).toISOString() });
    expect(JSON.stringify(listed)).not.toContain(first.id);
    // Ended by the epoch (sign-out everywhere, password change) or idle: not listed.
    advance(IDLE);
    expect(await sessions.listOwn(owner)).toEqual([]);
    const third = await sessions.start(owner);
    store.epochs.set('alice', 1);
    expect(await sessions.listOwn(owner)).toEqual([]);
    expect(third.session.epoch).toBe(0);
  });

  it('ends its own session; another account’s, an unknown or a malformed id is the same 404 and ends nothing', async () => {
    const { store, sessions } = setup();
    const mine = await sessions.start(owner);
    const theirs = await sessions.start(bob);
    for (const id of [theirs.session.hash, 'f'.repeat(64), theirs.id, '../x']) {
      await expect(sessions.endOwn(owner, id)).rejects.toMatchObject({ code: 'not_found' });
    }
    expect(await sessions.resume(theirs.id)).toBeDefined();
    await sessions.endOwn(owner, mine.session.hash);
    expect(store.sessions.has(mine.session.hash)).toBe(false);
    expect(await sessions.resume(mine.id)).toBeUndefined();
  });
});
