import { DeleteCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consistentBatchGet, deleteScanned, isConditionFailure } from '../platform/dynamodb';
import { epochKey, epochOf, readEpoch } from '../sign-out-epoch/dynamodb-store';
import type { BrowserSession } from './session';
import type { BrowserSessionStore } from './store';

/**
 * Browser sessions on the tokens table, beside the token sessions whose
 * sign-out epoch (lib/sign-out-epoch) they share: `browser#<sha256 of the session id>`, expired by the
 * table's TTL attribute `expiresAt` once idle or past their lifetime (TTL
 * deletes lazily, so every read checks the times itself).
 */
const browserKey = (hash: string) => ({ id: `browser#${hash}` });

type Item = Omit<BrowserSession, 'hash'> & { id: string; expiresAt: number };

const expiresAt = (idleExpiresAt: number, absoluteExpiresAt: number) => Math.min(idleExpiresAt, absoluteExpiresAt);

export class DynamoDBBrowserSessionStore implements BrowserSessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  epoch(username: string): Promise<number> {
    return readEpoch(this.client, this.table, username);
  }

  async create({ hash, ...session }: BrowserSession): Promise<void> {
    const item: Item = { ...browserKey(hash), ...session, expiresAt: expiresAt(session.idleExpiresAt, session.absoluteExpiresAt) };
    // 256 random bits do not collide; the condition makes sure nothing is ever overwritten.
    await this.client.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
  }

  async find(hash: string, username: string): Promise<{ session?: BrowserSession; epoch: number }> {
    const keys = [browserKey(hash), epochKey(username)];
    const items = await consistentBatchGet(this.client, this.table, keys);
    const epoch = epochOf(items.get(keys[1].id));
    const item = items.get(keys[0].id) as Item | undefined;
    if (!item) return { epoch };
    const { id: _id, expiresAt: _ttl, ...session } = item;
    return { session: { ...session, hash }, epoch };
  }

  async touch(hash: string, lastSeenAt: number, idleExpiresAt: number): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: browserKey(hash),
          // The TTL follows the idle expiry, so abandoned sessions are deleted soon after it.
          UpdateExpression: 'SET lastSeenAt = :seen, idleExpiresAt = :idle, expiresAt = :idle',
          // Without it, an update racing a logout would re-create the session it ended.
          ConditionExpression: 'attribute_exists(id) AND lastSeenAt < :seen',
          ExpressionAttributeValues: { ':seen': lastSeenAt, ':idle': idleExpiresAt },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async delete(hash: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: browserKey(hash) }));
  }

  /** A Scan: sessions are keyed by their id's hash, and no index holds them by owner (erasure is rare). */
  async eraseOwner(username: string, accountId: string): Promise<void> {
    await deleteScanned(this.client, this.table, (item) => ({ id: item.id }), {
      FilterExpression: 'begins_with(id, :browser) AND (accountId = :account OR username = :username)',
      ExpressionAttributeValues: { ':browser': 'browser#', ':account': accountId, ':username': username },
    });
  }
}
