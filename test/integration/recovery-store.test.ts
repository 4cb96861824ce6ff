/** lib/recovery's DynamoDB store against DynamoDB Local: uniqueness in one transaction with the account, single use, erasure. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as signup } from '../../functions/public/signup';
import { config } from '../../lib/platform/config';
import { dynamodb } from '../../lib/platform/dynamodb';
import { DynamoDBRecoveryStore } from '../../lib/recovery/dynamodb-store';
import { tokenHash } from '../../lib/recovery/tokens';
import { db, PASSWORD, storedUser, uniqueName } from '../support/clients';
import { apiEvent, invoke } from '../support/events';

const store = new DynamoDBRecoveryStore(dynamodb(), config.tokensTable, config.usersTable);
const item = async (id: string) => (await db.send(new GetCommand({ TableName: process.env.TOKENS_TABLE, Key: { id } }))).Item;

async function account() {
  const username = uniqueName('store');
  expect((await invoke(signup, apiEvent('POST', '/api/public/signup', { body: { username, password: PASSWORD } }))).status).toBe(201);
  const stored = await storedUser(username);
  return { username, accountId: (stored!.accountId ?? username) as string };
}

it('gives an address to one account only, with the account in the same transaction', async () => {
  const alice = await account();
  const bob = await account();
  const address = `${alice.username}@example.test`;
  expect(await store.claimEmail(alice, address)).toBe('claimed');
  expect(await store.claimEmail(alice, address)).toBe('claimed'); // its own holder: idempotent
  expect(await store.claimEmail(bob, address)).toBe('taken');
  expect(await storedUser(alice.username)).toMatchObject({ email: address, emailVerified: false });
  expect((await storedUser(bob.username))!.email).toBeUndefined();
  expect(await store.emailOwner(address)).toEqual(alice);

  // A change: the new address replaces the old in one step, and the old is free.
  const next = `${alice.username}-new@example.test`;
  expect(await store.claimEmail(alice, next, address, true)).toBe('claimed');
  expect(await storedUser(alice.username)).toMatchObject({ email: next, emailVerified: true });
  expect(await store.emailOwner(address)).toBeUndefined();
  expect(await store.claimEmail(bob, address)).toBe('claimed');
});

it('spends a token once, and erases every pending token and the address of an account', async () => {
  const alice = await account();
  const address = `${alice.username}@example.test`;
  await store.claimEmail(alice, address);
  const expiresAt = Math.floor(Date.now() / 1000) + 600;
  await store.putToken(tokenHash('one'), { kind: 'reset', ...alice, passwordFingerprint: 'x', expiresAt });
  await store.putToken(tokenHash('two'), { kind: 'verify', ...alice, email: address, expiresAt });
  expect(await store.getToken('reset', tokenHash('one'))).toMatchObject({ kind: 'reset', username: alice.username });
  expect(await store.getToken('verify', tokenHash('one'))).toBeUndefined(); // a reset token is no verification token
  expect(await store.consumeToken('reset', tokenHash('one'), alice.accountId)).toBe(true);
  expect(await store.consumeToken('reset', tokenHash('one'), alice.accountId)).toBe(false);

  await store.eraseRecoveryData(alice, address);
  expect(await item(`verify#${tokenHash('two')}`)).toBeUndefined();
  expect(await item(`recovery#${alice.accountId}`)).toBeUndefined();
  expect(await item(`email#${address}`)).toBeUndefined();
});
