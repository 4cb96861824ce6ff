import { composeOnMemory, PASSWORD } from '../support/flows';

const client = { address: '203.0.113.7' };

it('makes an account with a Kong consumer and credential, and answers its public fields', async () => {
  const world = composeOnMemory();
  const account = await world.signUp('alice', PASSWORD, client);
  expect(account).toEqual({ username: 'alice', consumer_id: expect.any(String), created_at: expect.any(String) });
  expect([...world.kongAdmin.consumers.values()]).toEqual([expect.objectContaining({ id: account.consumer_id, username: 'alice' })]);
  expect(world.kongAdmin.credentials.size).toBe(1);
  expect(world.stores.accounts.accounts.get('alice')).toMatchObject({ status: 'active', passwordHash: `hashed:${PASSWORD}` });
});

it('refuses a weak password before claiming the name or calling Kong', async () => {
  const world = composeOnMemory();
  await expect(world.signUp('alice', 'short', client)).rejects.toMatchObject({ status: 400, code: 'weak_password' });
  await expect(world.signUp('alice', 'weak weak weak weak weak', client)).rejects.toMatchObject({ status: 400, code: 'weak_password' });
  expect(world.stores.accounts.accounts.size).toBe(0);
  expect(world.kongAdmin.calls).toBe(0);
});

it('refuses a taken name (409), and an address blocked for failed sign-ins (429)', async () => {
  const world = composeOnMemory();
  await world.signUp('alice', PASSWORD, client);
  await expect(world.signUp('alice', `${PASSWORD} too`, client)).rejects.toMatchObject({ status: 409, code: 'username_taken' });
  for (let i = 0; i < 30; i++) await world.signIn(`nobody${i}`, PASSWORD, client).catch(() => undefined);
  await expect(world.signUp('bob', PASSWORD, client)).rejects.toMatchObject({ status: 429, code: 'too_many_attempts' });
  expect(world.stores.accounts.accounts.has('bob')).toBe(false);
});

it('gives up the name when Kong cannot provision a credential', async () => {
  const world = composeOnMemory();
  world.kongAdmin.down = true;
  await expect(world.signUp('alice', PASSWORD, client)).rejects.toThrow('kong is down');
  expect(world.stores.accounts.accounts.has('alice')).toBe(false);
  world.kongAdmin.down = false;
  await expect(world.signUp('alice', PASSWORD, client)).resolves.toMatchObject({ username: 'alice' });
});

describe('the idempotent retry is no password oracle (issue 22, item 8)', () => {
  it('counts a retry with a wrong password, within the minute, as a failed attempt at the name; in the backoff, even the right one is 409, unchecked', async () => {
    const world = composeOnMemory();
    await world.signUp('alice', PASSWORD, client);
    for (let i = 0; i < 6; i++) {
      await expect(world.signUp('alice', `a guessed passphrase ${i}`, { address: '198.51.100.66' })).rejects.toMatchObject({ status: 409, code: 'username_taken' });
    }
    // The guesses are on sign-in's count: the right password is now held off, here (409, unchecked) and at sign-in (429).
    await expect(world.signUp('alice', PASSWORD, { address: '198.51.100.66' })).rejects.toMatchObject({ status: 409, code: 'username_taken' });
    await expect(world.signIn('alice', PASSWORD, client)).rejects.toMatchObject({ status: 429 });
  });

  it('still answers the same client’s retry with the right password as the account it made, and forgets nothing else', async () => {
    const world = composeOnMemory();
    const made = await world.signUp('alice', PASSWORD, client);
    await expect(world.signUp('alice', PASSWORD, client)).resolves.toEqual(made);
  });

  it('does not count a taken name outside the retry window: no password could change that 409', async () => {
    const world = composeOnMemory();
    await world.signUp('alice', PASSWORD, client);
    world.stores.accounts.accounts.get('alice')!.claimedAt -= 120;
    await expect(world.signUp('alice', 'someone else wants this name', client)).rejects.toMatchObject({ status: 409 });
    await expect(world.signUp('alice', PASSWORD, client)).rejects.toMatchObject({ status: 409 });
    expect(world.stores.attempts.users.size).toBe(0);
  });
});
