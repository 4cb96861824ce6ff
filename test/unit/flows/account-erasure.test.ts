import { bearer, composeOnMemory, PASSWORD, type Flows } from '../support/flows';
import type { Eraser } from '../../../lib/flows/account-erasure';
import { accountErasureFlow } from '../../../lib/flows/account-erasure';
import { Accounts } from '../../../lib/accounts/accounts';
import { KongCredentials } from '../../../lib/kong/credentials';

/** A user with everything the service can hold about them: two token sessions, a browser session, a profile, a failed attempt, a Kong consumer. */
async function populated(world: Flows, username = 'alice') {
  await world.signUp(username, PASSWORD, {});
  await expect(world.signIn(username, 'not the password at all', {})).rejects.toMatchObject({ status: 401 });
  const tokens = [await world.signIn(username, PASSWORD, {}), await world.signIn(username, PASSWORD, {})];
  const browser = await world.browserSignIn(username, PASSWORD, {});
  const account = (await world.stores.accounts.get(username))!;
  await world.profiles.create({ accountId: account.id, username }, { displayName: 'Alice', bio: '', location: '', website: '' });
  await expect(world.signIn(username, 'not the password at all', {})).rejects.toMatchObject({ status: 401 });
  return { account, tokens, browser };
}

/** Everything held about the account, across every store. */
function leftOf(world: Flows, username: string, accountId: string) {
  const { stores, kongAdmin } = world;
  return {
    account: stores.accounts.accounts.has(username),
    sessions: [...stores.tokenSessions.sessions.values()].filter((s) => s.accountId === accountId).length,
    refreshTokens: [...stores.tokenSessions.refreshTokens.values()].filter((t) => t.accountId === accountId).length,
    epoch: stores.tokenSessions.epochs.has(username),
    browserSessions: [...stores.browserSessions.sessions.values()].filter((s) => s.accountId === accountId).length,
    profile: stores.profiles.profiles.has(accountId),
    attempts: stores.attempts.users.has(username),
    consumer: [...kongAdmin.consumers.values()].some((c) => c.username === username),
    credentials: kongAdmin.credentials.size,
  };
}
const NOTHING = { account: false, sessions: 0, refreshTokens: 0, epoch: false, browserSessions: 0, profile: false, attempts: false, consumer: false, credentials: 0 };

it('erases everything held about the account, and a second run finds nothing to do', async () => {
  const world = composeOnMemory();
  const { account } = await populated(world);
  expect(leftOf(world, 'alice', account.id)).toMatchObject({ account: true, sessions: 2, browserSessions: 1, profile: true, attempts: true, consumer: true });

  await expect(world.eraseAccount('alice')).resolves.toBe('erased');
  expect(leftOf(world, 'alice', account.id)).toEqual(NOTHING);
  await expect(world.eraseAccount('alice')).resolves.toBe('absent');
});

it('leaves the name free and nothing of the old user working for the next account of that name', async () => {
  const world = composeOnMemory();
  const { tokens, browser } = await populated(world);
  await world.eraseAccount('alice');

  await world.signUp('alice', `${PASSWORD} again`, {});
  await expect(world.signIn('alice', PASSWORD, {})).rejects.toMatchObject({ code: 'invalid_credentials' });
  for (const old of tokens) {
    await expect(world.checkAccessToken(old.access_token)).resolves.toBeUndefined();
    await expect(world.refresh(old.refresh_token)).rejects.toMatchObject({ code: 'invalid_grant' });
  }
  await expect(world.browserSessions.resume(browser.id)).resolves.toBeUndefined();
  const fresh = await world.signIn('alice', `${PASSWORD} again`, {});
  await expect(world.checkAccessToken(fresh.access_token)).resolves.toMatchObject({ state: 'live' });
});

it('after a failure midway, leaves the account refused everywhere and the name taken; a retry finishes', async () => {
  const world = composeOnMemory();
  const { account, tokens, browser } = await populated(world);
  // Kong is reached first; the sessions' store fails after it.
  const failing = world.erasers.map((eraser): Eraser => (eraser.name === 'browser-sessions' ? { name: eraser.name, erase: () => Promise.reject(new Error('dynamodb is down')) } : eraser));
  const eraseFailing = accountErasureFlow({ accounts: new Accounts(world.stores.accounts), erasers: failing });

  await expect(eraseFailing('alice')).rejects.toThrow('dynamodb is down');
  expect(world.stores.accounts.accounts.get('alice')?.status).toBe('deleting');
  expect(leftOf(world, 'alice', account.id)).toMatchObject({ account: true, consumer: false, sessions: 0, browserSessions: 1, profile: true });
  // Nothing signs in, refreshes or passes for the account meanwhile, and the name is not free.
  await expect(world.signIn('alice', PASSWORD, {})).rejects.toMatchObject({ code: 'invalid_credentials' });
  await expect(world.refresh(tokens[0].refresh_token)).rejects.toMatchObject({ code: 'invalid_grant' });
  await expect(world.checkAccessToken(tokens[1].access_token)).resolves.toBeUndefined();
  await expect(world.browserSessions.resume(browser.id)).resolves.toBeUndefined();
  await expect(world.signUp('alice', `${PASSWORD} again`, {})).rejects.toMatchObject({ code: 'username_taken' });

  // The same request again, with every store answering: done.
  await expect(world.eraseAccount('alice')).resolves.toBe('erased');
  expect(leftOf(world, 'alice', account.id)).toEqual(NOTHING);
});

it('a failure at Kong (the first eraser) leaves everything but the status, and a retry finishes', async () => {
  const world = composeOnMemory();
  const { account } = await populated(world);
  world.kongAdmin.down = true;
  await expect(world.eraseAccount('alice')).rejects.toThrow();
  expect(leftOf(world, 'alice', account.id)).toMatchObject({ account: true, consumer: true, profile: true });
  world.kongAdmin.down = false;
  await expect(world.eraseAccount('alice')).resolves.toBe('erased');
  expect(leftOf(world, 'alice', account.id)).toEqual(NOTHING);
});

it('never touches a later account of the same name, nor a Kong consumer this service did not make', async () => {
  const world = composeOnMemory();
  const { account: old } = await populated(world);
  await world.eraseAccount('alice');
  await world.signUp('alice', `${PASSWORD} again`, {});
  // A user deleting their own account names it by id: the old id finds nothing.
  await expect(world.eraseAccount('alice', old)).resolves.toBe('absent');
  expect(world.stores.accounts.accounts.get('alice')?.status).toBe('active');

  const operator = await world.kongAdmin.ensureConsumer('bob', ['an-operators-tag']);
  await expect(world.eraseAccount('bob')).resolves.toBe('absent');
  await world.signUp('carol', PASSWORD, {});
  const kong = new KongCredentials(world.kongAdmin, new Accounts(world.stores.accounts));
  await kong.removeConsumer('bob', operator.id);
  expect(world.kongAdmin.consumers.has(operator.id)).toBe(true);
});

describe("a user's own deletion", () => {
  it('with a wrong password: 403, counted as a failed attempt, nothing erased', async () => {
    const world = composeOnMemory();
    await world.signUp('alice', PASSWORD, {});
    const tokens = await world.signIn('alice', PASSWORD, {});
    const { account, claims } = await world.authenticateCaller(bearer(tokens.access_token));
    await expect(world.accountOwnership.deleteOwn({ account, claims }, { password: 'wrong' }, {})).rejects.toMatchObject({ status: 403, code: 'incorrect_password' });
    expect(world.stores.attempts.users.get(`session#${claims.sid}`)?.attempts).toBe(1);
    expect(world.stores.accounts.accounts.get('alice')?.status).toBe('active');

    await world.accountOwnership.deleteOwn({ account, claims }, { password: PASSWORD }, {});
    expect(world.stores.accounts.accounts.has('alice')).toBe(false);
  });

  it('exports the account, sessions and profile, never a hash, secret or token', async () => {
    const world = composeOnMemory();
    const { tokens } = await populated(world);
    const { account, claims } = await world.authenticateCaller(bearer(tokens[0].access_token));
    const exported = await world.accountOwnership.exportData(account, claims.sid);
    expect(exported).toMatchObject({ account: { username: 'alice', id: account.id }, profile: { display_name: 'Alice' }, factors: [], security_events: null });
    expect(exported.sessions).toHaveLength(2);
    const text = JSON.stringify(exported);
    for (const secret of [account.passwordHash, tokens[0].access_token, tokens[0].refresh_token, ...[...world.kongAdmin.credentials.values()].map((c) => c.secret)]) {
      expect(text).not.toContain(secret);
    }
  });
});

it('shows enrolled second factors to the operator, never their secret, and erases them with the account', async () => {
  const world = composeOnMemory();
  const { account } = await populated(world);
  world.stores.secondFactors.totp.set(account.id, { sealedSecret: 'sealed-secret', confirmed: true, createdAt: 1_700_000_000 });
  world.stores.secondFactors.recovery.set(account.id, new Set(['hash-1', 'hash-2']));
  const operator = { consumer: 'ops', consumerId: 'c-ops' };
  const details = await world.accountAdmin.details(operator, 'alice');
  expect(details.factors).toEqual([
    { type: 'totp', created_at: '2023-11-14T22:13:20.000Z' },
    { type: 'recovery_codes', created_at: null, remaining: '2' },
  ]);
  expect(JSON.stringify(details)).not.toMatch(/sealed-secret|hash-1/);
  await world.accountAdmin.remove(operator, 'alice');
  expect(world.stores.secondFactors.totp.has(account.id)).toBe(false);
  expect(world.stores.secondFactors.recovery.has(account.id)).toBe(false);
});
