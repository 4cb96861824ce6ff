import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from './config';
import { dynamodb, nowSeconds } from './dynamodb';
import { DependencyError } from './errors';
import type { User } from './users';

/**
 * The tokens table holds three kinds of items, each expiring through the
 * table's TTL attribute `expiresAt`:
 * - `rt#<sha256>`: a refresh token, stored only as its hash;
 * - `family#<id>`: a signin's refresh-token family; every token a refresh
 *   hands out belongs to it and keeps its absolute expiry;
 * - `jti#<id>`: a revoked access token, kept until it would have expired.
 */
export interface RefreshToken {
  id: string;
  username: string;
  familyId: string;
  /** The user's session epoch at signin: raising the user's epoch ends the family. */
  sessionEpoch: number;
  expiresAt: number;
  consumedAt?: number;
}

const TableName = config.tokensTable;
const MAX_ATTEMPTS = 3;
const tokenId = (hash: string) => `rt#${hash}`;
const familyId = (id: string) => `family#${id}`;
const accessTokenId = (jti: string) => `jti#${jti}`;

export async function startFamily(token: Omit<RefreshToken, 'id' | 'consumedAt'>, hash: string): Promise<void> {
  await dynamodb.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName, Item: { id: familyId(token.familyId), username: token.username, expiresAt: token.expiresAt } } },
        { Put: { TableName, Item: { ...token, id: tokenId(hash) }, ConditionExpression: 'attribute_not_exists(id)' } },
      ],
    }),
  );
}

export async function getRefreshToken(hash: string): Promise<RefreshToken | undefined> {
  const { Item } = await dynamodb.send(new GetCommand({ TableName, Key: { id: tokenId(hash) }, ConsistentRead: true }));
  return Item as RefreshToken | undefined;
}

export type RotationResult = 'rotated' | 'already-consumed' | 'family-revoked' | 'sessions-ended';

/**
 * Consumes `current` and stores its successor in one transaction, which also
 * checks that the family was not revoked and the user's sessions were not
 * ended meanwhile: a refresh racing a logout cannot leave a live token behind.
 */
export async function rotate(current: RefreshToken, nextHash: string, attempt = 1): Promise<RotationResult> {
  const { username, familyId: family, sessionEpoch, expiresAt } = current;
  try {
    await dynamodb.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName,
              Key: { id: current.id },
              UpdateExpression: 'SET consumedAt = :now',
              ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(consumedAt)',
              ExpressionAttributeValues: { ':now': nowSeconds() },
            },
          },
          {
            Put: {
              TableName,
              Item: { id: tokenId(nextHash), username, familyId: family, sessionEpoch, expiresAt },
              ConditionExpression: 'attribute_not_exists(id)',
            },
          },
          {
            ConditionCheck: {
              TableName,
              Key: { id: familyId(family) },
              ConditionExpression: 'attribute_exists(id) AND attribute_not_exists(revokedAt)',
            },
          },
          {
            ConditionCheck: {
              TableName: config.usersTable,
              Key: { username },
              ConditionExpression: 'sessionEpoch = :epoch',
              ExpressionAttributeValues: { ':epoch': sessionEpoch },
            },
          },
        ],
      }),
    );
    return 'rotated';
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code);
    if (codes[0] === 'ConditionalCheckFailed') return 'already-consumed';
    if (codes[2] === 'ConditionalCheckFailed') return 'family-revoked';
    if (codes[3] === 'ConditionalCheckFailed') return 'sessions-ended';
    // Concurrent transactions on one item may all be cancelled: try again
    // after a short random pause, so that one of them wins.
    if (codes.includes('TransactionConflict') && attempt < MAX_ATTEMPTS) {
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
      return rotate(current, nextHash, attempt + 1);
    }
    throw new DependencyError('dynamodb', `refresh transaction cancelled: ${codes.join(',')}`);
  }
}

/** Revokes every token of a family, past and future; idempotent. */
export async function revokeFamily(id: string, reason: string): Promise<void> {
  await dynamodb.send(
    new UpdateCommand({
      TableName,
      Key: { id: familyId(id) },
      UpdateExpression: 'SET revokedAt = if_not_exists(revokedAt, :now), revokedReason = if_not_exists(revokedReason, :reason)',
      ConditionExpression: 'attribute_exists(id)',
      ExpressionAttributeValues: { ':now': nowSeconds(), ':reason': reason },
    }),
  ).catch((error) => {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  });
}

/** Refuses an access token from now until it would have expired anyway. */
export async function revokeAccessToken(jti: string, expiresAt: number): Promise<void> {
  await dynamodb.send(new PutCommand({ TableName, Item: { id: accessTokenId(jti), expiresAt } }));
}

/**
 * Everything a protected route needs to trust an access token, in one round
 * trip: its user, and whether the token or its family has been revoked.
 */
export async function loadTokenContext(username: string, jti: string, family: string) {
  const { Responses = {}, UnprocessedKeys } = await dynamodb.send(
    new BatchGetCommand({
      RequestItems: {
        [config.usersTable]: { Keys: [{ username }], ConsistentRead: true },
        [TableName]: { Keys: [{ id: accessTokenId(jti) }, { id: familyId(family) }], ConsistentRead: true },
      },
    }),
  );
  // Throttled keys come back unprocessed: answering from half the data could
  // miss a revocation, so that is a dependency failure, not a pass.
  if (UnprocessedKeys && Object.keys(UnprocessedKeys).length > 0) throw new DependencyError('dynamodb', 'unprocessed keys');
  const user = Responses[config.usersTable]?.[0] as User | undefined;
  const tokens = Responses[TableName] ?? [];
  const familyItem = tokens.find((item) => item.id === familyId(family));
  const revoked = !familyItem || familyItem.revokedAt !== undefined || tokens.some((item) => item.id === accessTokenId(jti));
  return { user, revoked };
}
