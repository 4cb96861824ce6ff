import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { nowSeconds } from '../platform/clock';
import { cancellationReasons, consistentBatchGet, deleteScanned, isConditionFailure, TransactionCanceledException } from '../platform/dynamodb';
import { DependencyError } from '../platform/errors';
import { deleteEpoch, epochIs, epochKey, epochOf, raiseEpoch, readEpoch } from '../sign-out-epoch/dynamodb-store';
import type { RefreshToken, RevocationReason, RotationResult, TokenSession } from './token-session';
import type { TokenSessionStore } from './store';

/**
 * The tokens table holds three kinds of items of this module's, keyed by `id`, which
 * expire through the table's TTL attribute `expiresAt`:
 * - `session#<id>`: a session, with its epoch and revocation;
 * - `rt#<sha256>`: a refresh token, stored only as its hash;
 * - `jti#<id>`: a revoked access token, kept until it would have expired;
 * and checks and raises `epoch#<username>`, the user's sign-out epoch (lib/sign-out-epoch),
 * which browser sessions (`browser#<sha256>`, lib/browser-sessions) also obey.
 * Session items also carry `sessionOwner` (the account id), the partition key
 * of the index SESSIONS_BY_OWNER (sort key `createdAt`): only they have it,
 * so the index holds sessions and nothing else, and listing a user's
 * sessions is one Query.
 */
export const SESSIONS_BY_OWNER = 'sessions-by-owner';
const sessionKey = (id: string) => ({ id: `session#${id}` });
const refreshTokenKey = (hash: string) => ({ id: `rt#${hash}` });
const accessTokenKey = (jti: string) => ({ id: `jti#${jti}` });

const MAX_ATTEMPTS = 3;
const ROTATION_ITEMS = ['consume', 'successor', 'session', 'epoch'] as const;
const START_ITEMS = ['session', 'refreshToken', 'epoch'] as const;

function refreshTokenItem({ hash, ...token }: RefreshToken) {
  return { ...refreshTokenKey(hash), ...token };
}

function sessionItem(session: TokenSession) {
  return { ...session, ...sessionKey(session.id), sessionOwner: session.accountId };
}

function toSession(item: Record<string, unknown>): TokenSession {
  const { id, sessionOwner: _owner, ...session } = item;
  return { ...session, id: (id as string).slice('session#'.length) } as TokenSession;
}

// Concurrent transactions on one item may all be cancelled: a short random pause lets one of them win.
const pause = () => new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));

export class DynamoDBTokenSessionStore implements TokenSessionStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  epoch(username: string): Promise<number> {
    return readEpoch(this.client, this.table, username);
  }

  async start(session: TokenSession, first: RefreshToken): Promise<boolean> {
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
    const epoch = epochOf(items.get(keys[2].id));
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

  endAll(username: string): Promise<void> {
    return raiseEpoch(this.client, this.table, username);
  }

  /**
   * A Scan: refresh tokens are found by their hash only, and no index holds
   * them by owner. Erasure is rare (lib/flows/account-erasure.ts). Revoked
   * access tokens (`jti#`) carry no owner and expire on their own.
   */
  async eraseOwner(username: string, accountId: string): Promise<void> {
    await deleteScanned(this.client, this.table, (item) => ({ id: item.id }), {
      FilterExpression: '(begins_with(id, :session) OR begins_with(id, :rt)) AND (accountId = :account OR username = :username)',
      ExpressionAttributeValues: { ':session': 'session#', ':rt': 'rt#', ':account': accountId, ':username': username },
    });
  }

  eraseEpoch(username: string): Promise<void> {
    return deleteEpoch(this.client, this.table, username);
  }

  async sessionState(sessionId: string, username: string, jti?: string) {
    const keys = [sessionKey(sessionId), epochKey(username), ...(jti === undefined ? [] : [accessTokenKey(jti)])];
    const items = await consistentBatchGet(this.client, this.table, keys);
    const session = items.get(keys[0].id) as (TokenSession & { id: string }) | undefined;
    return {
      session: session && ({ ...session, id: sessionId } as TokenSession),
      epoch: epochOf(items.get(keys[1].id)),
      tokenRevoked: keys.length > 2 && items.has(keys[2].id),
    };
  }

  async get(sessionId: string): Promise<TokenSession | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: sessionKey(sessionId), ConsistentRead: true }));
    return Item ? toSession(Item) : undefined;
  }

  async listUnrevoked(accountId: string, now: number): Promise<TokenSession[]> {
    const sessions: TokenSession[] = [];
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
