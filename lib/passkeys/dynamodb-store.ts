import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consistentBatchGet, isConditionFailure } from '../platform/dynamodb';
import type { PasskeyStore } from './store';
import type { Passkey, PasskeyChallenge } from './types';

/**
 * Passkeys on the tokens table (its TTL expires challenges; every auth
 * function already reads it). Items:
 * - `passkey-challenge#<challenge>`: purpose, account (registration), TTL `expiresAt`;
 * - `passkey#<accountId>#<credentialId>`: the credential (public key, counter);
 * - `passkey-owner#<credentialId>`: its account, for sign-in with a discoverable credential;
 * - `passkey-list#<accountId>`: the account's credential ids (a string set), since
 *   the table's only key is `id` and a Query cannot list by prefix.
 * Written in that order and removed in the reverse one, so a half-made
 * registration is at worst an unreachable item, never a usable one.
 */
const challengeKey = (challenge: string) => ({ id: `passkey-challenge#${challenge}` });
const passkeyKey = (accountId: string, credentialId: string) => ({ id: `passkey#${accountId}#${credentialId}` });
const ownerKey = (credentialId: string) => ({ id: `passkey-owner#${credentialId}` });
const listKey = (accountId: string) => ({ id: `passkey-list#${accountId}` });

const strip = (item: Record<string, unknown>) => {
  const { id: _id, ...rest } = item;
  return rest;
};

async function conditional(write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export class DynamoDBPasskeyStore implements PasskeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putChallenge(challenge: string, value: PasskeyChallenge) {
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: { ...challengeKey(challenge), ...value }, ConditionExpression: 'attribute_not_exists(id)' }),
    );
  }

  async consumeChallenge(challenge: string) {
    try {
      const { Attributes } = await this.client.send(
        new DeleteCommand({ TableName: this.table, Key: challengeKey(challenge), ConditionExpression: 'attribute_exists(id)', ReturnValues: 'ALL_OLD' }),
      );
      return Attributes ? (strip(Attributes) as unknown as PasskeyChallenge) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async add(passkey: Passkey) {
    const claimed = await conditional(() =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...ownerKey(passkey.credentialId), accountId: passkey.accountId },
          ConditionExpression: 'attribute_not_exists(id)',
        }),
      ),
    );
    if (!claimed) return false;
    await this.client.send(new PutCommand({ TableName: this.table, Item: { ...passkeyKey(passkey.accountId, passkey.credentialId), ...passkey } }));
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: listKey(passkey.accountId),
        UpdateExpression: 'ADD credentialIds :id',
        ExpressionAttributeValues: { ':id': new Set([passkey.credentialId]) },
      }),
    );
    return true;
  }

  async get(accountId: string, credentialId: string) {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: passkeyKey(accountId, credentialId), ConsistentRead: true }));
    return Item ? (strip(Item) as unknown as Passkey) : undefined;
  }

  async ownerOf(credentialId: string) {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: ownerKey(credentialId), ConsistentRead: true }));
    return Item?.accountId as string | undefined;
  }

  async list(accountId: string) {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: listKey(accountId), ConsistentRead: true }));
    const ids = [...((Item?.credentialIds as Set<string> | undefined) ?? [])];
    const passkeys: Passkey[] = [];
    // BatchGetItem reads at most 100 keys; an account with more passkeys than that is not a real one.
    for (let i = 0; i < ids.length; i += 100) {
      const items = await consistentBatchGet(this.client, this.table, ids.slice(i, i + 100).map((id) => passkeyKey(accountId, id)));
      for (const item of items.values()) passkeys.push(strip(item) as unknown as Passkey);
    }
    return passkeys.sort((a, b) => a.createdAt - b.createdAt);
  }

  rename(accountId: string, credentialId: string, name: string) {
    return conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: passkeyKey(accountId, credentialId),
          UpdateExpression: 'SET #name = :name',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: { ':name': name },
        }),
      ),
    );
  }

  async remove(accountId: string, credentialId: string) {
    const removed = await conditional(() =>
      this.client.send(new DeleteCommand({ TableName: this.table, Key: passkeyKey(accountId, credentialId), ConditionExpression: 'attribute_exists(id)' })),
    );
    if (!removed) return false;
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: listKey(accountId),
        UpdateExpression: 'DELETE credentialIds :id',
        ExpressionAttributeValues: { ':id': new Set([credentialId]) },
      }),
    );
    await this.client.send(
      new DeleteCommand({
        TableName: this.table,
        Key: ownerKey(credentialId),
        ConditionExpression: 'accountId = :account',
        ExpressionAttributeValues: { ':account': accountId },
      }),
    ).catch((error) => {
      if (!isConditionFailure(error)) throw error;
    });
    return true;
  }

  recordUse(accountId: string, credentialId: string, counter: number, usedAt: number) {
    // Authenticators without a counter always say 0: nothing to move forward, only the time to record.
    const forward = counter > 0;
    return conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: passkeyKey(accountId, credentialId),
          UpdateExpression: 'SET #counter = :counter, lastUsedAt = :usedAt',
          ConditionExpression: forward ? 'attribute_exists(id) AND #counter < :counter' : 'attribute_exists(id) AND #counter = :counter',
          ExpressionAttributeNames: { '#counter': 'counter' },
          ExpressionAttributeValues: { ':counter': counter, ':usedAt': usedAt },
        }),
      ),
    );
  }

  async erase(accountId: string) {
    for (const passkey of await this.list(accountId)) await this.remove(accountId, passkey.credentialId);
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: listKey(accountId) }));
  }
}
