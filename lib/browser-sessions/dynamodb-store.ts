import { DeleteCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consistentBatchGet, deleteScanned, isConditionFailure } from '../platform/dynamodb';
import { epochKey, epochOf, readEpoch } from '../sign-out-epoch/dynamodb-store';
import { SESSIONS_BY_OWNER } from '../token-sessions/dynamodb-store';
import type { BrowserSession } from './session';
import type { BrowserSessionStore } from './store';

/**
 * Browser sessions on the tokens table, beside the token sessions whose
 * sign-out epoch (lib/sign-out-epoch) they share: `browser#<sha256 of the session id>`, expired by the
 * table's TTL attribute `expiresAt` once idle or past their lifetime (TTL
 * deletes lazily, so every read checks the times itself).
 */
const browserKey = (hash: string) => ({ id: `browser#${hash}` });

/**
 * Browser items sit on the token sessions' index (sessions-by-owner) under an
 * owner key of their own, `browser#<account id>`: the security page lists
 * them with one Query, and the token sessions' Query (by the bare account id)
 * never meets them. Sessions stored before this carry none and go unlisted
 * until they expire (they still end with logout, sign-out everywhere and a
 * password change).
 */
export const browserOwner = (accountId: string) => `browser#${accountId}`;

type Item = Omit<BrowserSession, 'hash'> & { id: string; expiresAt: number; sessionOwner?: string };

const toSession = ({ id, expiresAt: _ttl, sessionOwner: _owner, ...session }: Item): BrowserSession => ({ ...session, hash: id.slice('browser#'.length) });

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
    const item: Item = { ...browserKey(hash), ...session, sessionOwner: browserOwner(session.accountId), expiresAt: expiresAt(session.idleExpiresAt, session.absoluteExpiresAt) };
    // 256 random bits do not collide; the condition makes sure nothing is ever overwritten.
    await this.client.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
  }

  async find(hash: string, username: string): Promise<{ session?: BrowserSession; epoch: number }> {
    const keys = [browserKey(hash), epochKey(username)];
    const items = await consistentBatchGet(this.client, this.table, keys);
    const epoch = epochOf(items.get(keys[1].id));
    const item = items.get(keys[0].id) as Item | undefined;
    if (!item) return { epoch };
    return { session: toSession(item), epoch };
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

  async listOwner(accountId: string): Promise<BrowserSession[]> {
    const sessions: BrowserSession[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: SESSIONS_BY_OWNER,
          KeyConditionExpression: 'sessionOwner = :owner',
          ExpressionAttributeValues: { ':owner': browserOwner(accountId) },
          ScanIndexForward: false,
          ExclusiveStartKey,
        }),
      );
      sessions.push(...((page.Items ?? []) as Item[]).map(toSession));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return sessions;
  }

  /** A Scan: sessions are keyed by their id's hash, and no index holds them by owner (erasure is rare). */
  async eraseOwner(username: string, accountId: string): Promise<void> {
    await deleteScanned(this.client, this.table, (item) => ({ id: item.id }), {
      FilterExpression: 'begins_with(id, :browser) AND (accountId = :account OR username = :username)',
      ExpressionAttributeValues: { ':browser': 'browser#', ':account': accountId, ':username': username },
    });
  }
}
