import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { KeyRing, KeyRingStore } from './keyring';

/**
 * The keyring is one item, `keyring`, in the tokens table. The tokens table,
 * because the keyring is token state: the same functions read it, at the
 * same moments, as they read sessions; the users table stays a table of
 * accounts with no signing material at all. One item, because the keyring
 * is small (two or three keys) and read whole: one GetItem, and one
 * conditional write per change. It carries no `expiresAt`, so the table's
 * TTL never touches it. (No import of the service's config or client here:
 * `npm start` makes the first key with this store, before any function runs.)
 */
const KEY = { id: 'keyring' };

export class DynamoDBKeyRingStore implements KeyRingStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(): Promise<KeyRing> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: KEY, ConsistentRead: true }));
    return Item ? { version: Item.version as number, keys: (Item.keys as KeyRing['keys']) ?? [] } : { version: 0, keys: [] };
  }

  async put(ring: KeyRing): Promise<boolean> {
    const expected = ring.version - 1;
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...KEY, version: ring.version, keys: ring.keys },
          ConditionExpression: expected === 0 ? 'attribute_not_exists(id)' : 'version = :expected',
          ExpressionAttributeValues: expected === 0 ? undefined : { ':expected': expected },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
