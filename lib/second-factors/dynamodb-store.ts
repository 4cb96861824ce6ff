import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consistentGet, isConditionFailure } from '../platform/dynamodb';
import type { SecondFactorStore } from './store';
import type { PendingSignIn, TotpFactor } from './types';

/**
 * Second factors on the tokens table, under the key prefix `mfa#`: the table
 * with a TTL (`expiresAt`), which pending sign-ins need, and the one every
 * auth function already reads, so no new grant of a new table. Items:
 * - `mfa#totp#<accountId>`: the sealed secret, whether confirmed, the last time step used;
 * - `mfa#recovery#<accountId>`: the recovery codes' hashes, a string set;
 * - `mfa#signin#<sha256 of the mfa_token>`: a sign-in waiting for its second factor (TTL).
 * By account id, never username: a later account under the same name inherits nothing.
 */
const totpKey = (accountId: string) => ({ id: `mfa#totp#${accountId}` });
const recoveryKey = (accountId: string) => ({ id: `mfa#recovery#${accountId}` });
const signInKey = (hash: string) => ({ id: `mfa#signin#${hash}` });

const failedCondition = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
};

export class DynamoDBSecondFactorStore implements SecondFactorStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async getTotp(accountId: string) {
    // Sign-in reads it beside the recovery codes (and the device token's epoch): one BatchGetItem (consistentGet).
    const Item = await consistentGet(this.client, this.table, totpKey(accountId));
    if (!Item) return undefined;
    const { id: _id, ...factor } = Item;
    return factor as unknown as TotpFactor;
  }

  putPendingTotp(accountId: string, factor: TotpFactor) {
    return failedCondition(() =>
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...totpKey(accountId), ...factor, confirmed: false },
          ConditionExpression: 'attribute_not_exists(id) OR confirmed = :false',
          ExpressionAttributeValues: { ':false': false },
        }),
      ),
    );
  }

  confirmTotp(accountId: string, sealedSecret: string, step: number) {
    return failedCondition(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: totpKey(accountId),
          UpdateExpression: 'SET confirmed = :true, lastStep = :step',
          ConditionExpression: 'confirmed = :false AND sealedSecret = :secret',
          ExpressionAttributeValues: { ':true': true, ':false': false, ':step': step, ':secret': sealedSecret },
        }),
      ),
    );
  }

  useTotpStep(accountId: string, step: number) {
    return failedCondition(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: totpKey(accountId),
          UpdateExpression: 'SET lastStep = :step',
          ConditionExpression: 'confirmed = :true AND (attribute_not_exists(lastStep) OR lastStep < :step)',
          ExpressionAttributeValues: { ':true': true, ':step': step },
        }),
      ),
    );
  }

  async deleteTotp(accountId: string) {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: totpKey(accountId) }));
  }

  async setRecoveryCodes(accountId: string, hashes: string[]) {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { ...recoveryKey(accountId), codes: new Set(hashes) } }));
  }

  useRecoveryCode(accountId: string, hash: string) {
    return failedCondition(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: recoveryKey(accountId),
          UpdateExpression: 'DELETE codes :spent',
          ConditionExpression: 'contains(codes, :hash)',
          ExpressionAttributeValues: { ':spent': new Set([hash]), ':hash': hash },
        }),
      ),
    );
  }

  async recoveryCodeCount(accountId: string) {
    const Item = await consistentGet(this.client, this.table, recoveryKey(accountId));
    return (Item?.codes as Set<string> | undefined)?.size ?? 0;
  }

  async deleteRecoveryCodes(accountId: string) {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: recoveryKey(accountId) }));
  }

  async putPendingSignIn(hash: string, pending: PendingSignIn) {
    await this.client.send(
      new PutCommand({ TableName: this.table, Item: { ...signInKey(hash), ...pending }, ConditionExpression: 'attribute_not_exists(id)' }),
    );
  }

  async getPendingSignIn(hash: string) {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: signInKey(hash), ConsistentRead: true }));
    if (!Item) return undefined;
    const { id: _id, ...pending } = Item;
    return pending as PendingSignIn;
  }

  async failPendingSignIn(hash: string, maxFailures: number) {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: signInKey(hash),
          UpdateExpression: 'ADD failures :one',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':one': 1 },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      const failures = Number(Attributes?.failures ?? 0);
      if (failures >= maxFailures) await this.client.send(new DeleteCommand({ TableName: this.table, Key: signInKey(hash) }));
      return failures;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async consumePendingSignIn(hash: string) {
    try {
      const { Attributes } = await this.client.send(
        new DeleteCommand({ TableName: this.table, Key: signInKey(hash), ConditionExpression: 'attribute_exists(id)', ReturnValues: 'ALL_OLD' }),
      );
      if (!Attributes) return undefined;
      const { id: _id, ...pending } = Attributes;
      return pending as PendingSignIn;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async erase(accountId: string) {
    // Pending sign-ins are keyed by token, not account: they expire within minutes, and completing one needs the account.
    await Promise.all([this.deleteTotp(accountId), this.deleteRecoveryCodes(accountId)]);
  }
}
