import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { config } from './config';
import { dynamodb, nowSeconds } from './dynamodb';
import { ConflictError } from './errors';

/** The user's Kong consumer and the JWT credential its access tokens are signed with. */
export interface KongIdentity {
  consumerId: string;
  credentialId: string;
  credentialKey: string;
  credentialSecret: string;
}

/**
 * A user is `pending` from the moment its username is claimed until Kong has
 * its consumer and credential; only `active` users can sign in.
 */
export interface User extends Partial<KongIdentity> {
  username: string;
  status: 'pending' | 'active';
  passwordHash: string;
  /** Which signup attempt holds a pending claim. */
  claimId?: string;
  claimedAt: number;
  createdAt: string;
  /** Raised to end every session at once: refresh tokens carry the epoch they were issued in. */
  sessionEpoch: number;
}

export type ActiveUser = User & KongIdentity & { status: 'active' };

/** A pending claim older than this belongs to a signup that died: it may be taken over. */
const CLAIM_LEASE_SECONDS = 60;

const TableName = config.usersTable;

function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException;
}

export function isActive(user: User | undefined): user is ActiveUser {
  return user?.status === 'active' && Boolean(user.credentialKey && user.credentialSecret && user.consumerId);
}

export async function getUser(username: string): Promise<User | undefined> {
  const { Item } = await dynamodb.send(new GetCommand({ TableName, Key: { username }, ConsistentRead: true }));
  return Item as User | undefined;
}

/**
 * Reserves a username for one signup attempt. The conditional write is what
 * makes concurrent signups of one name end with exactly one winner.
 */
export async function claimUsername(username: string, passwordHash: string): Promise<string> {
  const claimId = randomUUID();
  const now = nowSeconds();
  const user: User = {
    username,
    status: 'pending',
    passwordHash,
    claimId,
    claimedAt: now,
    createdAt: new Date(now * 1000).toISOString(),
    sessionEpoch: 0,
  };
  try {
    await dynamodb.send(
      new PutCommand({
        TableName,
        Item: user,
        ConditionExpression: 'attribute_not_exists(username) OR (#status = :pending AND claimedAt < :staleBefore)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':staleBefore': now - CLAIM_LEASE_SECONDS },
      }),
    );
    return claimId;
  } catch (error) {
    if (isConditionFailure(error)) throw new ConflictError('Username is already taken');
    throw error;
  }
}

export async function activateUser(username: string, claimId: string, identity: KongIdentity): Promise<ActiveUser> {
  const { Attributes } = await dynamodb.send(
    new UpdateCommand({
      TableName,
      Key: { username },
      UpdateExpression:
        'SET #status = :active, consumerId = :consumerId, credentialId = :credentialId, credentialKey = :key, credentialSecret = :secret REMOVE claimId',
      ConditionExpression: '#status = :pending AND claimId = :claimId',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':active': 'active',
        ':pending': 'pending',
        ':claimId': claimId,
        ':consumerId': identity.consumerId,
        ':credentialId': identity.credentialId,
        ':key': identity.credentialKey,
        ':secret': identity.credentialSecret,
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return Attributes as ActiveUser;
}

/** Undoes a claim whose signup failed, so that the signup can simply be retried. */
export async function releaseClaim(username: string, claimId: string): Promise<void> {
  try {
    await dynamodb.send(
      new DeleteCommand({
        TableName,
        Key: { username },
        ConditionExpression: '#status = :pending AND claimId = :claimId',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':pending': 'pending', ':claimId': claimId },
      }),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/**
 * Stores a new Kong identity if the user still has `expectedKey`; false when a
 * concurrent request replaced it first.
 */
export async function replaceIdentity(username: string, expectedKey: string, identity: KongIdentity): Promise<boolean> {
  try {
    await dynamodb.send(
      new UpdateCommand({
        TableName,
        Key: { username },
        UpdateExpression:
          'SET consumerId = :consumerId, credentialId = :credentialId, credentialKey = :key, credentialSecret = :secret',
        ConditionExpression: 'credentialKey = :expectedKey',
        ExpressionAttributeValues: {
          ':expectedKey': expectedKey,
          ':consumerId': identity.consumerId,
          ':credentialId': identity.credentialId,
          ':key': identity.credentialKey,
          ':secret': identity.credentialSecret,
        },
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

/** Ends every session at once: refresh tokens issued under an older epoch are refused. */
export async function endSessions(username: string): Promise<ActiveUser> {
  const { Attributes } = await dynamodb.send(
    new UpdateCommand({
      TableName,
      Key: { username },
      UpdateExpression: 'ADD sessionEpoch :one',
      ConditionExpression: 'attribute_exists(username)',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return Attributes as ActiveUser;
}

/**
 * Sets a new password hash and ends every session, if the password is still
 * the one just verified: of two concurrent changes, only one applies.
 */
export async function changePassword(username: string, expectedHash: string, passwordHash: string): Promise<ActiveUser> {
  try {
    const { Attributes } = await dynamodb.send(
      new UpdateCommand({
        TableName,
        Key: { username },
        UpdateExpression: 'SET passwordHash = :new ADD sessionEpoch :one',
        ConditionExpression: 'passwordHash = :expected',
        ExpressionAttributeValues: { ':new': passwordHash, ':expected': expectedHash, ':one': 1 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return Attributes as ActiveUser;
  } catch (error) {
    if (isConditionFailure(error)) throw new ConflictError('The password was changed concurrently');
    throw error;
  }
}
