import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../platform/dynamodb';
import type { Account, ActiveAccount, GatewayCredential } from './account';
import type { AccountStore } from './store';

/**
 * The users table, one item per username. The gateway credential is kept as
 * flat attributes (consumerId, credentialId, credentialKey, credentialSecret)
 * so that one conditional update can swap it.
 */
interface Item {
  /** Absent on accounts made before ids existed: their username stands in. */
  accountId?: string;
  username: string;
  status: Account['status'];
  passwordHash: string;
  claimId?: string;
  claimedAt: number;
  createdAt: string;
  consumerId?: string;
  credentialId?: string;
  credentialKey?: string;
  credentialSecret?: string;
  email?: string;
  firstName?: string;
}

function toAccount(item: Item): Account {
  const { accountId, consumerId, credentialId, credentialKey, credentialSecret, ...account } = item;
  const credential =
    consumerId && credentialId && credentialKey && credentialSecret
      ? { consumerId, credentialId, key: credentialKey, secret: credentialSecret }
      : undefined;
  return { ...account, id: accountId ?? item.username, credential };
}

const credentialValues = (credential: GatewayCredential) => ({
  ':consumerId': credential.consumerId,
  ':credentialId': credential.credentialId,
  ':key': credential.key,
  ':secret': credential.secret,
});
const SET_CREDENTIAL = 'consumerId = :consumerId, credentialId = :credentialId, credentialKey = :key, credentialSecret = :secret';

/** Runs a conditional write: true if it applied, false if its condition failed. */
async function applied(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}

export class DynamoDBAccountStore implements AccountStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(username: string): Promise<Account | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { username }, ConsistentRead: true }));
    return Item ? toAccount(Item as Item) : undefined;
  }

  claim(account: Account & { claimId: string }, staleBefore: number): Promise<boolean> {
    const { credential: _none, id: accountId, ...rest } = account;
    const item: Item = { ...rest, accountId };
    return applied(
      this.client.send(
        new PutCommand({
          TableName: this.table,
          Item: item,
          ConditionExpression: 'attribute_not_exists(username) OR (#status = :pending AND claimedAt < :staleBefore)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':staleBefore': staleBefore },
        }),
      ),
    );
  }

  async activate(username: string, claimId: string, credential: GatewayCredential): Promise<ActiveAccount | undefined> {
    let Attributes: Record<string, unknown> | undefined;
    const write = this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { username },
        UpdateExpression: `SET #status = :active, ${SET_CREDENTIAL} REMOVE claimId`,
        ConditionExpression: '#status = :pending AND claimId = :claimId',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending', ':claimId': claimId, ...credentialValues(credential) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!(await applied(write.then((output) => (Attributes = output.Attributes))))) return undefined;
    return toAccount(Attributes as unknown as Item) as ActiveAccount;
  }

  async release(username: string, claimId: string): Promise<void> {
    await applied(
      this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { username },
          ConditionExpression: '#status = :pending AND claimId = :claimId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':claimId': claimId },
        }),
      ),
    );
  }

  replaceCredential(username: string, expectedKey: string, credential: GatewayCredential): Promise<boolean> {
    return applied(
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { username },
          UpdateExpression: `SET ${SET_CREDENTIAL}`,
          ConditionExpression: 'credentialKey = :expectedKey',
          ExpressionAttributeValues: { ':expectedKey': expectedKey, ...credentialValues(credential) },
        }),
      ),
    );
  }

  replacePasswordHash(username: string, expectedHash: string, passwordHash: string): Promise<boolean> {
    return applied(
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { username },
          UpdateExpression: 'SET passwordHash = :new',
          ConditionExpression: 'passwordHash = :expected',
          ExpressionAttributeValues: { ':new': passwordHash, ':expected': expectedHash },
        }),
      ),
    );
  }
}
