import { composeOnMemory, PASSWORD } from '../support/flows';

const operator = { consumer: 'ops-1', consumerId: 'c-1' };

it('disables: signin refused with account_disabled after the right password only, sessions ended, Kong credentials gone; enable restores signin', async () => {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  const tokens = await world.signIn('alice', PASSWORD, {});
  const browser = await world.browserSignIn('alice', PASSWORD, {});

  await expect(world.accountAdmin.disable(operator, 'alice')).resolves.toMatchObject({ status: 'disabled' });
  expect(world.kongAdmin.credentials.size).toBe(0);
  await expect(world.signIn('alice', PASSWORD, {})).rejects.toMatchObject({ status: 403, code: 'account_disabled' });
  await expect(world.signIn('alice', 'a wrong password', {})).rejects.toMatchObject({ status: 401, code: 'invalid_credentials' });
  await expect(world.browserSignIn('alice', PASSWORD, {})).rejects.toMatchObject({ code: 'account_disabled' });
  await expect(world.refresh(tokens.refresh_token)).rejects.toMatchObject({ code: 'invalid_grant' });
  await expect(world.browserSessions.resume(browser.id)).resolves.toBeUndefined();
  await expect(world.checkAccessToken(tokens.access_token)).resolves.toBeUndefined();
  // Idempotent.
  await expect(world.accountAdmin.disable(operator, 'alice')).resolves.toMatchObject({ status: 'disabled' });

  await expect(world.accountAdmin.enable(operator, 'alice')).resolves.toMatchObject({ status: 'active' });
  world.advance(3600);
  const fresh = await world.signIn('alice', PASSWORD, {});
  await expect(world.checkAccessToken(fresh.access_token)).resolves.toMatchObject({ state: 'live' });
  expect(world.kongAdmin.credentials.size).toBe(1);
});

it('shows a user without any secret, and finds users by a prefix of name or email, a page at a time', async () => {
  const world = composeOnMemory();
  for (const name of ['alice', 'alina', 'bob']) await world.signUp(name, PASSWORD, {});
  world.stores.accounts.accounts.get('bob')!.email = 'ali@example.com';
  const tokens = await world.signIn('alice', PASSWORD, {});

  const details = await world.accountAdmin.details(operator, 'alice');
  expect(details).toMatchObject({ username: 'alice', status: 'active', factors: [], session_count: 1, last_sign_in_at: expect.any(String) });
  const text = JSON.stringify(details);
  expect(text).not.toMatch(/hashed:|secret|credential/);
  expect(text).not.toContain(tokens.access_token);

  const first = await world.accountAdmin.search(operator, 'ali', 2);
  const second = await world.accountAdmin.search(operator, 'ali', 2, first.next_cursor!);
  expect([...first.users, ...second.users].map((u) => u.username).sort()).toEqual(['alice', 'alina', 'bob']);
  expect(second.next_cursor).toBeNull();
  await expect(world.accountAdmin.details(operator, 'nobody')).rejects.toMatchObject({ status: 404, code: 'user_not_found' });
});

it('signs a user out everywhere, and lists their sessions without tokens', async () => {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, {});
  const tokens = await world.signIn('alice', PASSWORD, { address: '192.0.2.7', userAgent: 'curl' });
  expect(await world.accountAdmin.sessions(operator, 'alice')).toEqual([expect.objectContaining({ client_address: '192.0.2.7', user_agent: 'curl' })]);
  await world.accountAdmin.signOut(operator, 'alice');
  expect(await world.accountAdmin.sessions(operator, 'alice')).toEqual([]);
  await expect(world.refresh(tokens.refresh_token)).rejects.toMatchObject({ code: 'invalid_grant' });
  // Kong refuses it (its credential is gone); the service's own check sees its session ended.
  expect(world.kongAdmin.credentials.size).toBe(0);
  await expect(world.checkAccessToken(tokens.access_token)).resolves.toMatchObject({ state: 'ended' });
});
