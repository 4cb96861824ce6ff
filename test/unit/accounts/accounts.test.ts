import { PasswordAccounts } from '../../../lib/accounts/password-accounts';
import { credentialRef, type GatewayCredential } from '../../../lib/accounts/account';
import { MemoryAccountStore, plainHasher } from '../support/memory-stores';

const credential: GatewayCredential = { kind: 'secret', consumerId: 'c1', credentialId: 'cr1', key: 'k1', secret: 's1' };

function setup() {
  const store = new MemoryAccountStore();
  return { store, accounts: new PasswordAccounts(store, plainHasher) };
}

/** A gateway that hands out numbered credentials and records what it was given back. */
function gateway(fail?: Error) {
  let next = 0;
  const discarded: GatewayCredential[] = [];
  const provision = jest.fn(async () => {
    if (fail) throw fail;
    next += 1;
    return { ...credential, credentialId: `cr${next}`, key: `k${next}` };
  });
  return { provision, discard: async (c: GatewayCredential) => void discarded.push(c), keepOnly: async () => undefined, discarded };
}
const source = { provision: async () => credential, discard: async () => undefined, keepOnly: async () => undefined };

describe('signUp', () => {
  it('claims the name, provisions, and stores an active account with its credential', async () => {
    const { store, accounts } = setup();
    const account = await accounts.signUp('alice', 'pw-alice-1', source);
    expect(account).toMatchObject({ username: 'alice', status: 'active', credential });
    expect(store.accounts.get('alice')?.claimId).toBeUndefined();
  });

  it('refuses a taken name with 409 username_taken, without provisioning', async () => {
    const { accounts } = setup();
    await accounts.signUp('alice', 'pw-alice-1', source);
    const other = gateway();
    await expect(accounts.signUp('alice', 'other-pw-1', other)).rejects.toMatchObject({ status: 409, code: 'username_taken' });
    expect(other.provision).not.toHaveBeenCalled();
  });

  it('releases the claim when provisioning fails, so that a retry starts over', async () => {
    const { store, accounts } = setup();
    const failure = new Error('kong is down');
    await expect(accounts.signUp('bob', 'pw-bob-123', gateway(failure))).rejects.toBe(failure);
    expect(store.accounts.has('bob')).toBe(false);
    await expect(accounts.signUp('bob', 'pw-bob-123', source)).resolves.toMatchObject({ status: 'active' });
  });

  it('takes over a pending claim whose lease ran out, but not a fresh one', async () => {
    const { store, accounts } = setup();
    const stale = { id: 'carol-id', username: 'carol', status: 'pending' as const, passwordHash: 'x', claimId: 'old', claimedAt: 0, createdAt: '' };
    await store.claim(stale, 1);
    await expect(accounts.signUp('carol', 'pw-carol-1', source)).resolves.toMatchObject({ status: 'active' });

    await store.claim({ ...stale, username: 'dave', claimedAt: Math.floor(Date.now() / 1000) }, 1);
    await expect(accounts.signUp('dave', 'pw-dave-12', source)).rejects.toMatchObject({ code: 'username_taken' });
  });

  it('gives every account an immutable id of its own, even under a name used before', async () => {
    const { store, accounts } = setup();
    const first = await accounts.signUp('erin', 'pw-erin-12', source);
    store.accounts.delete('erin');
    const second = await accounts.signUp('erin', 'pw-erin-12', source);
    expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.id).not.toBe(first.id);
  });
});

describe('signUp retried after an answer that never arrived', () => {
  it('takes over its own pending claim (a claim that landed late)', async () => {
    const { store, accounts } = setup();
    const now = Math.floor(Date.now() / 1000);
    await store.claim({ id: 'late', username: 'fay', status: 'pending', passwordHash: 'hashed:pw-fay-123', claimId: 'c1', claimedAt: now, createdAt: '' }, 0);
    const retry = gateway();
    await expect(accounts.signUp('fay', 'pw-fay-123', retry)).resolves.toMatchObject({ id: 'late', status: 'active' });
    expect(retry.provision).toHaveBeenCalledTimes(1);
  });

  it('answers the account it already made, for the same password and only just after', async () => {
    const { store, accounts } = setup();
    const made = await accounts.signUp('gus', 'pw-gus-123', source);
    await expect(accounts.signUp('gus', 'pw-gus-123', source)).resolves.toEqual(made);
    await expect(accounts.signUp('gus', 'wrong-pw-12', source)).rejects.toMatchObject({ code: 'username_taken' });
    store.accounts.get('gus')!.claimedAt -= 3600;
    await expect(accounts.signUp('gus', 'pw-gus-123', source)).rejects.toMatchObject({ code: 'username_taken' });
  });

  it('gives concurrent identical signups one account, and hands back the credentials the losers made', async () => {
    const { accounts } = setup();
    const shared = gateway();
    const results = await Promise.all(Array.from({ length: 5 }, () => accounts.signUp('hal', 'pw-hal-123', shared)));
    expect(new Set(results.map((a) => credentialRef(a.credential))).size).toBe(1);
    expect(shared.provision.mock.calls.length - shared.discarded.length).toBe(1);
  });
});

describe('authenticate', () => {
  it('answers an unknown user, a wrong password and a pending account alike', async () => {
    const { store, accounts } = setup();
    await accounts.signUp('alice', 'pw-alice-1', source);
    await store.claim({ id: 'p', username: 'pending', status: 'pending', passwordHash: 'hashed:pw', claimId: 'x', claimedAt: 0, createdAt: '' }, 0);
    const refusals = await Promise.all(
      [
        ['nobody', 'pw-alice-1'],
        ['alice', 'wrong-password'],
        ['pending', 'pw'],
      ].map(([name, pw]) => accounts.authenticate(name, pw).catch((error) => error)),
    );
    for (const error of refusals) expect(error).toMatchObject({ status: 401, code: 'invalid_credentials', message: 'Invalid username or password' });
    await expect(accounts.authenticate('alice', 'pw-alice-1')).resolves.toMatchObject({ username: 'alice' });
  });
});

describe('passwords', () => {
  it('refuses a wrong current password with 403 and sets a new one once', async () => {
    const { accounts } = setup();
    const account = await accounts.signUp('alice', 'pw-alice-1', source);
    await expect(accounts.checkPassword(account, 'nope')).rejects.toMatchObject({ status: 403, code: 'incorrect_password' });
    await accounts.checkPassword(account, 'pw-alice-1');

    await accounts.setPassword(account, 'new-password-1');
    // A second change from the same (now stale) account lost the race.
    await expect(accounts.setPassword(account, 'new-password-2')).rejects.toMatchObject({ status: 409, code: 'conflict' });
    await expect(accounts.authenticate('alice', 'new-password-1')).resolves.toBeDefined();
  });
});

describe('replaceCredential', () => {
  it('stores the new credential, or hands back the one a concurrent request stored first', async () => {
    const { accounts } = setup();
    const account = await accounts.signUp('alice', 'pw-alice-1', source);
    const second = { ...credential, credentialId: 'cr2', key: 'k2' };
    await expect(accounts.replaceCredential(account, second)).resolves.toMatchObject({ stored: true, account: { credential: second } });

    const third = { ...credential, credentialId: 'cr3', key: 'k3' };
    await expect(accounts.replaceCredential(account, third)).resolves.toMatchObject({ stored: false, account: { credential: second } });
  });
});

describe('hashes made the old way', () => {
  it('are made again the current way at the next successful signin, and only then', async () => {
    const { store, accounts } = setup();
    await accounts.signUp('olga', 'pw-olga-123', source);
    store.accounts.get('olga')!.passwordHash = 'old:pw-olga-123';

    await expect(accounts.authenticate('olga', 'wrong')).rejects.toMatchObject({ code: 'invalid_credentials' });
    expect(store.accounts.get('olga')!.passwordHash).toBe('old:pw-olga-123');

    await expect(accounts.authenticate('olga', 'pw-olga-123')).resolves.toMatchObject({ passwordHash: 'hashed:pw-olga-123' });
    expect(store.accounts.get('olga')!.passwordHash).toBe('hashed:pw-olga-123');
  });

  it('do not hold up a signin when the new hash cannot be stored', async () => {
    const { store, accounts } = setup();
    await accounts.signUp('olga', 'pw-olga-123', source);
    store.accounts.get('olga')!.passwordHash = 'old:pw-olga-123';
    jest.spyOn(store, 'replacePasswordHash').mockRejectedValueOnce(new Error('dynamodb is down'));
    await expect(accounts.authenticate('olga', 'pw-olga-123')).resolves.toMatchObject({ username: 'olga' });
    expect(store.accounts.get('olga')!.passwordHash).toBe('old:pw-olga-123');
  });
});

it('says why a signin failed, to the logs only (the cause), never in the answer', async () => {
  const { store, accounts } = setup();
  await accounts.signUp('alice', 'pw-alice-1', source);
  await store.claim({ id: 'p', username: 'pending', status: 'pending', passwordHash: 'hashed:pw', claimId: 'x', claimedAt: 0, createdAt: '' }, 0);
  const causes = await Promise.all(
    [
      ['nobody', 'pw'],
      ['alice', 'wrong'],
      ['pending', 'pw'],
    ].map(([name, pw]) => accounts.authenticate(name, pw).catch((error) => error.cause)),
  );
  expect(causes).toEqual(['unknown_user', 'wrong_password', 'inactive_account']);
});
