import { DeleteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consistentGet } from '../platform/dynamodb';

/**
 * The sign-out-everywhere epoch: one counter per user on the tokens table,
 * `epoch#<username>` (an absent item counts as 0). Every token session
 * (lib/token-sessions) and every browser session (lib/browser-sessions)
 * records the epoch it started in; raising it (sign-out everywhere, a
 * password change) ends all of them at once, since a session whose epoch is
 * not the current one is over. Both session stores read and check it here.
 */
export const epochKey = (username: string) => ({ id: `epoch#${username}` });

/** The epoch an item read under epochKey holds (batch reads hand over the item, or nothing). */
export const epochOf = (item: Record<string, unknown> | undefined): number => (item?.epoch as number | undefined) ?? 0;

/** The user's epoch, read consistently (with other reads of the same turn, lib/platform/dynamodb.ts consistentGet). */
export async function readEpoch(client: DynamoDBDocumentClient, table: string, username: string): Promise<number> {
  return epochOf(await consistentGet(client, table, epochKey(username)));
}

/** Raises the user's epoch by one: every session started before it ends. */
export async function raiseEpoch(client: DynamoDBDocumentClient, table: string, username: string): Promise<void> {
  await client.send(new UpdateCommand({ TableName: table, Key: epochKey(username), UpdateExpression: 'ADD epoch :one', ExpressionAttributeValues: { ':one': 1 } }));
}

/** A transaction's condition that the user's epoch is still `epoch` (an absent item counts as 0). */
export function epochIs(epoch: number) {
  return {
    ConditionExpression: epoch === 0 ? 'attribute_not_exists(epoch) OR epoch = :epoch' : 'epoch = :epoch',
    ExpressionAttributeValues: { ':epoch': epoch },
  };
}

/**
 * Deletes the user's epoch (erasure, after every session item is gone): a
 * later account of the same name starts at 0, and no session is left that an
 * epoch of 0 could bring back.
 */
export async function deleteEpoch(client: DynamoDBDocumentClient, table: string, username: string): Promise<void> {
  await client.send(new DeleteCommand({ TableName: table, Key: epochKey(username) }));
}
