/**
 * The gateway's key for /api/session/authenticate on a persisted local stack
 * (scripts/stack/forward-auth-key.ts): made once, private, and the same at
 * every start, since the gateway never deletes a declared consumer's old key.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FORWARD_AUTH_KEY_FILE, persistedForwardAuthKey, randomForwardAuthKey } from '../../../scripts/stack/forward-auth-key';
import { deckEnv } from '../../../scripts/stack/gateway';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'forward-auth-key-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

test('is made on first use, readable by its owner only, and kept for the next start', async () => {
  const key = await persistedForwardAuthKey(dir);
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect((await stat(path.join(dir, FORWARD_AUTH_KEY_FILE))).mode & 0o777).toBe(0o600);
  expect((await stat(dir)).mode & 0o777).toBe(0o700);
  expect(await persistedForwardAuthKey(dir)).toBe(key);
  expect((await readFile(path.join(dir, FORWARD_AUTH_KEY_FILE), 'utf8')).trim()).toBe(key);
});

test('a file that holds no key stops the start, saying what to do', async () => {
  await writeFile(path.join(dir, FORWARD_AUTH_KEY_FILE), 'short\n');
  await expect(persistedForwardAuthKey(dir)).rejects.toThrow(/does not hold a key \(delete it/);
});

test('random keys differ; kong.yml gets the stack\'s key as DECK_FORWARD_AUTH_KEY, a new one when none is given', () => {
  expect(randomForwardAuthKey()).not.toBe(randomForwardAuthKey());
  const settings = { lambdaPort: 1, proxyPort: 2, sessionCacheTtlSeconds: 0, rateLimits: { public: 1, protected: 1, password: 1, introspect: 1, browser: 1 }, rateLimitPolicy: { policy: 'local' } as const, corsOrigins: [] };
  expect(deckEnv({ ...settings, forwardAuthKey: 'k'.repeat(43) }).DECK_FORWARD_AUTH_KEY).toBe('k'.repeat(43));
  expect(deckEnv(settings).DECK_FORWARD_AUTH_KEY).toMatch(/^[A-Za-z0-9_-]{43}$/);
  expect(deckEnv(settings).DECK_BROWSER_RATE_LIMIT_PER_MINUTE).toBe('1');
});
