import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { nowSeconds } from '../platform/clock';
import { cancellationReasons, consistentBatchGet, isConditionFailure, TransactionCanceledException } from '../platform/dynamodb';
import { DependencyError } from '../platform/errors';
import type { RefreshToken, RevocationReason, RotationResult, Session } from './session';
import type { SessionStore } from './store';

/**
 * The tokens table holds four kinds of items of this module's, keyed by `id`; all but the
 * epoch expire through the table's TTL attribute `expiresAt`:
 * - `session#<id>`: a session, with its epoch and revocation;
 * - `rt#<sha256>`: a refresh token, stored only as its hash;
 * - `jti#<id>`: a revoked access token, kept until it would have expired;
 * - `epoch#<username>`: the user's session epoch (absent means 0), which
 *   browser sessions (`browser#<sha256>`, lib/browser-sessions) also obey.
 * Session items also carry `sessionOwner` (the account id), the partition key
 * of the index SESSIONS_BY_OWNER (sort key `createdAt`): only they have it,
 * so the index holds sessions and nothing else, and listing a user's
 * sessions is one Query.
 */
export const SESSIONS_BY_OWNER = 'sessions-by-owner';
const sessionKey = (id: string) => ({ id: `session#${id}` });
const refreshTokenKey = (hash: string) => ({ id: `rt#${hash}` });
const accessTokenKey = (jti: string) => ({ id: `jti#${jti}` });
/** Also read by lib/browser-sessions, whose sessions end with the same epoch. */
export const epochKey = (username: string) => ({ id: `epoch#${username}` });

const MAX_ATTEMPTS = 3;
const ROTATION_ITEMS = ['consume', 'successor', 'session', 'epoch'] as const;
const START_ITEMS = ['session', 'refreshToken', 'epoch'] as const;

/** A condition that the user's epoch is still `epoch` (an absent item counts as 0). */
function epochIs(epoch: number) {
  return {
    ConditionExpression: epoch === 0 ? 'attribute_not_exists(epoch) OR epoch = :epoch' : 'epoch = :epoch',
    ExpressionAttributeValues: { ':epoch': epoch },
  };
}

function refreshTokenItem({ hash, ...token }: RefreshToken) {
  return { ...refreshTokenKey(hash), ...token };
}

function sessionItem(session: Session) {
  return { ...session, ...sessionKey(session.id), sessionOwner: session.accountId };
}

function toSession(item: Record<string, unknown>): Session {
  const { id, sessionOwner: _owner, ...session } = item;
  return { ...session, id: (id as string).slice('session#'.length) } as Session;
}

// Concurrent transactions on one item may all be cancelled: a short random pause lets one of them win.
/** The user's session epoch (absent means 0): browser sessions obey it too. */
export async function readEpoch(client: DynamoDBDocumentClient, table: string, username: string): Promise<number> {
  const { Item } = await client.send(new GetCommand({ TableName: table, Key: epochKey(username), ConsistentRead: true }));
  return (Item?.epoch as number | undefined) ?? 0;
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));

export class DynamoDBSessionStore implements SessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  epoch(username: string): Promise<number> {
    return readEpoch(this.client, this.table, username);
  }

  async start(session: Session, first: RefreshToken): Promise<boolean> {
    const TableName = this.table;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName, Item: sessionItem(session) } },
            { Put: { TableName, Item: refreshTokenItem(first), ConditionExpression: 'attribute_not_exists(id)' } },
            { ConditionCheck: { TableName, Key: epochKey(session.username), ...epochIs(session.epoch) } },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = cancellationReasons(error, START_ITEMS);
      if (reasons.failed('epoch')) return false;
      throw new DependencyError('dynamodb', new Error(`session start cancelled: ${reasons.summary}`, { cause: error }));
    }
  }

  async getRefreshToken(hash: string): Promise<RefreshToken | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: refreshTokenKey(hash), ConsistentRead: true }));
    if (!Item) return undefined;
    const { id: _id, ...token } = Item;
    return { ...token, hash } as RefreshToken;
  }

  async rotate(current: RefreshToken, successorHash: string, attempt = 1): Promise<RotationResult> {
    const TableName = this.table;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName,
                Key: refreshTokenKey(current.hash),
                UpdateExpression: 'SET consumedAt = :now, successorHash = :successor',
                ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(consumedAt)',
                ExpressionAttributeValues: { ':now': nowSeconds(), ':successor': successorHash },
              },
            },
            {
              Put: {
                TableName,
                Item: refreshTokenItem({ ...current, hash: successorHash, issuedAt: nowSeconds(), consumedAt: undefined, successorHash: undefined }),
                ConditionExpression: 'attribute_not_exists(id)',
              },
            },
            {
              // The session is checked, and marked used (what the user sees as its last use).
              Update: {
                TableName,
                Key: sessionKey(current.sessionId),
                UpdateExpression: 'SET lastUsedAt = :now',
                ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(revokedAt)',
                ExpressionAttributeValues: { ':now': nowSeconds() },
              },
            },
            { ConditionCheck: { TableName, Key: epochKey(current.username), ...epochIs(current.epoch) } },
          ],
        }),
      );
      return 'rotated';
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = cancellationReasons(error, ROTATION_ITEMS);
      if (reasons.failed('consume')) return 'already-consumed';
      if (reasons.failed('session')) return 'session-revoked';
      if (reasons.failed('epoch')) return 'sessions-ended';
      if (reasons.conflict && attempt < MAX_ATTEMPTS) {
        await pause();
        return this.rotate(current, successorHash, attempt + 1);
      }
      throw new DependencyError('dynamodb', new Error(`refresh transaction cancelled: ${reasons.summary}`, { cause: error }));
    }
  }

  async canRepeat(consumed: RefreshToken): Promise<boolean> {
    if (!consumed.successorHash) return false;
    const keys = [refreshTokenKey(consumed.successorHash), sessionKey(consumed.sessionId), epochKey(consumed.username)];
    const items = await consistentBatchGet(this.client, this.table, keys);
    const successor = items.get(keys[0].id);
    const session = items.get(keys[1].id);
    const epoch = (items.get(keys[2].id)?.epoch as number | undefined) ?? 0;
    return successor !== undefined && successor.consumedAt === undefined && session?.revokedAt === undefined && session !== undefined && epoch === consumed.epoch;
  }

  async revoke(sessionId: string, reason: RevocationReason): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: sessionKey(sessionId),
          UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now), revokedReason = if_not_exists(revokedReason, :reason)',
          ConditionExpression: 'attribute_exists(id)',
          ExpressionAttributeValues: { ':now': nowSeconds(), ':reason': reason },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  }

  async revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { ...accessTokenKey(jti), expiresAt } }));
  }

  async endAll(username: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: epochKey(username),
        UpdateExpression: 'ADD epoch :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
  }

  async sessionState(sessionId: string, username: string, jti?: string) {
    const keys = [sessionKey(sessionId), epochKey(username), ...(jti === undefined ? [] : [accessTokenKey(jti)])];
    const items = await consistentBatchGet(this.client, this.table, keys);
    const session = items.get(keys[0].id) as (Session & { id: string }) | undefined;
    return {
      session: session && ({ ...session, id: sessionId } as Session),
      epoch: (items.get(keys[1].id)?.epoch as number | undefined) ?? 0,
      tokenRevoked: keys.length > 2 && items.has(keys[2].id),
    };
  }

  async get(sessionId: string): Promise<Session | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: sessionKey(sessionId), ConsistentRead: true }));
    return Item ? toSession(Item) : undefined;
  }

  async listUnrevoked(accountId: string, now: number): Promise<Session[]> {
    const sessions: Session[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    // A page is 1 MB, thousands of sessions: more pages only for an account signed in that often.
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: SESSIONS_BY_OWNER,
          KeyConditionExpression: 'sessionOwner = :owner',
          FilterExpression: 'attribute_not_exists(revokedAt) AND expiresAt > :now',
          ExpressionAttributeValues: { ':owner': accountId, ':now': now },
          ScanIndexForward: false,
          ExclusiveStartKey,
        }),
      );
      sessions.push(...(page.Items ?? []).map(toSession));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return sessions;
  }

}
