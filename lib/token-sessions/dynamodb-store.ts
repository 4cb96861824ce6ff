import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { nowSeconds } from '../platform/clock';
import { cancellationReasons, consistentBatchGet, consistentGet, deleteScanned, isConditionFailure, TransactionCanceledException } from '../platform/dynamodb';
import { DependencyError } from '../platform/errors';
import { deleteEpoch, epochIs, epochKey, epochOf, raiseEpoch, readEpoch } from '../sign-out-epoch/dynamodb-store';
import { refreshTokenName } from '../tokens/refresh-tokens';
import type { RefreshToken, RevocationReason, RotationResult, TokenSession } from './token-session';
import type { TokenSessionStore } from './store';

/**
 * The tokens table holds three kinds of items of this module's, keyed by `id`, which
 * expire through the table's TTL attribute `expiresAt`:
 * - `session#<id>`: a session, with its epoch and revocation, and (chained
 *   refresh tokens, lib/tokens/refresh-tokens.ts) its refresh chain: the
 *   current token's hash and when it was issued, the chain key, and the
 *   previous token's hash and when it was consumed. A refresh is one
 *   conditional UpdateItem of this item (issue 27: it was a four-item
 *   transaction, 8 write units; now 1);
 * - `rt#<sha256>`: a refresh token of the earlier form, stored only as its hash,
 *   one item each (sessions started before chained tokens, until they expire);
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

/**
 * A token's name as the session item keeps it: `<generation>.<SHA-256, base64url>`, without the session id
 * and username the item already holds (write units are billed per KB of item: a session item with a
 * browser's user agent stays within one).
 */
function stored(hash: string): string {
  const name = refreshTokenName(hash);
  if (!name) throw new Error('not a chained refresh token name');
  return `${name.generation}.${Buffer.from(hash.slice(-64), 'hex').toString('base64url')}`;
}

/** The full name back, from what the item keeps and the session's own id and username. */
function named(value: string | undefined, sessionId: string, username: string): string | undefined {
  const match = value === undefined ? null : /^(\d{1,9})\.([A-Za-z0-9_-]{43})$/.exec(value);
  return match ? `${sessionId}.${match[1]}.${username}.${Buffer.from(match[2], 'base64url').toString('hex')}` : undefined;
}

/** The refresh chain's attributes on a session item: store internals, never part of a TokenSession. */
interface Chain {
  refreshHash?: string;
  refreshIssuedAt?: number;
  chainKey?: string;
  previousHash?: string;
  previousConsumedAt?: number;
  /** The OAuth client the session was granted to, and its scope (the token endpoint): every successor is bound to them. */
  clientId?: string;
  scope?: string;
}

function toSession(item: Record<string, unknown>): TokenSession {
  const { id, sessionOwner: _owner, refreshHash: _h, refreshIssuedAt: _i, chainKey: _k, previousHash: _p, previousConsumedAt: _c, clientId: _client, scope: _scope, ...session } = item;
  return { ...session, id: (id as string).slice('session#'.length) } as TokenSession;
}

/**
 * What a session item says of the chained token named `hash`: the current one (unconsumed), the previous
 * one (consumed by the refresh that made the current one), an older one (consumed; `headHash` lets the
 * caller check it truly is of this chain), or nothing (a later generation that was never issued).
 */
function chainedToken(item: Record<string, unknown>, hash: string, sessionId: string, generation: number): RefreshToken | undefined {
  const chain = item as unknown as Chain & TokenSession;
  const current = named(chain.refreshHash, sessionId, chain.username);
  const previous = named(chain.previousHash, sessionId, chain.username);
  const head = current === undefined ? undefined : refreshTokenName(current);
  if (!head || current === undefined || chain.chainKey === undefined) return undefined;
  const base: RefreshToken = {
    hash,
    accountId: chain.accountId,
    username: chain.username,
    sessionId: head.sessionId,
    epoch: chain.epoch,
    expiresAt: chain.expiresAt,
    chainKey: chain.chainKey,
    // How the session signed in: each refresh's access token says so again (amr, auth_time).
    amr: chain.amr,
    authTime: chain.authTime,
    ...(chain.clientId === undefined ? {} : { clientId: chain.clientId, scope: chain.scope }),
  };
  if (hash === current) return { ...base, issuedAt: chain.refreshIssuedAt };
  if (hash === previous) return { ...base, consumedAt: chain.previousConsumedAt, successorHash: current };
  if (generation < head.generation - 1) return { ...base, consumedAt: 0, headHash: current };
  return undefined;
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
    if (refreshTokenName(first.hash)) {
      // One item, one write: the session carries its first token. The epoch is read again afterwards
      // instead of checked in a transaction: a sign-out everywhere that came between the caller's read and
      // this write leaves a session whose epoch is old, which every check refuses, and the caller retries.
      const chain: Chain = {
        refreshHash: stored(first.hash),
        refreshIssuedAt: first.issuedAt,
        chainKey: first.chainKey,
        ...(first.clientId === undefined ? {} : { clientId: first.clientId, scope: first.scope }),
      };
      await this.client.send(new PutCommand({ TableName, Item: { ...sessionItem(session), ...chain }, ConditionExpression: 'attribute_not_exists(id)' }));
      return (await this.epoch(session.username)) === session.epoch;
    }
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
    const name = refreshTokenName(hash);
    if (name) {
      // The session and the user's epoch in one read: a token of a session its user ended is no token
      // (rotate's one write cannot check the epoch's item; a sign-out everywhere landing between the two
      // leaves a successor whose session every check refuses, as the epoch has moved past it).
      const keys = [sessionKey(name.sessionId), epochKey(name.username)];
      const items = await consistentBatchGet(this.client, this.table, keys);
      const item = items.get(keys[0].id);
      if (!item || item.username !== name.username || item.revokedAt !== undefined) return undefined;
      if (epochOf(items.get(keys[1].id)) !== item.epoch) return undefined;
      return chainedToken(item, hash, name.sessionId, name.generation);
    }
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: refreshTokenKey(hash), ConsistentRead: true }));
    if (!Item) return undefined;
    const { id: _id, ...token } = Item;
    return { ...token, hash } as RefreshToken;
  }

  async rotate(current: RefreshToken, successorHash: string, attempt = 1): Promise<RotationResult> {
    const TableName = this.table;
    if (refreshTokenName(current.hash)) {
      const now = nowSeconds();
      try {
        // One conditional write on one item: it consumes the current token and names its successor, only
        // if the current token is still this one and the session was not revoked (logout, revoke, reuse).
        await this.client.send(
          new UpdateCommand({
            TableName,
            Key: sessionKey(current.sessionId),
            UpdateExpression: 'SET previousHash = :current, previousConsumedAt = :now, refreshHash = :successor, refreshIssuedAt = :now, lastUsedAt = :now',
            ConditionExpression: 'refreshHash = :current AND attribute_not_exists(revokedAt)',
            ExpressionAttributeValues: { ':current': stored(current.hash), ':successor': stored(successorHash), ':now': now },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return 'rotated';
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const item = (error as { Item?: Record<string, unknown> }).Item;
        if (item?.revokedAt !== undefined || item === undefined) return 'session-revoked';
        return 'already-consumed';
      }
    }
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
    if (refreshTokenName(consumed.hash)) {
      // Its successor is still the session's current token (unused), the session stands, its epoch too.
      const keys = [sessionKey(consumed.sessionId), epochKey(consumed.username)];
      const items = await consistentBatchGet(this.client, this.table, keys);
      const session = items.get(keys[0].id);
      return session !== undefined && session.revokedAt === undefined && session.refreshHash === stored(consumed.successorHash) && epochOf(items.get(keys[1].id)) === consumed.epoch;
    }
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
    const session = items.get(keys[0].id);
    return {
      session: session && toSession(session),
      epoch: epochOf(items.get(keys[1].id)),
      tokenRevoked: keys.length > 2 && items.has(keys[2].id),
    };
  }

  async get(sessionId: string): Promise<TokenSession | undefined> {
    const item = await consistentGet(this.client, this.table, sessionKey(sessionId));
    return item ? toSession(item) : undefined;
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
