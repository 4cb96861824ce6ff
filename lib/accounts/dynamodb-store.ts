import { DeleteCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { consistentGet, decodeCursor, encodeCursor, isConditionFailure } from '../platform/dynamodb';
import type { Account, AccountStatus, ActiveAccount, GatewayCredential } from './account';
import type { AccountStore } from './store';

/**
 * The users table, one item per username. The gateway credential is kept as
 * flat attributes so that one conditional update can swap it: consumerId,
 * and either credentialId, credentialKey and credentialSecret (HS256), or
 * credentialIssuer and credentialKids (ES256/RS256: no secret of any kind).
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
  emailVerified?: boolean;
  firstName?: string;
  credentialIssuer?: string;
  credentialKids?: string[];
}

function credentialOf(item: Item): GatewayCredential | undefined {
  const { consumerId, credentialId, credentialKey, credentialSecret, credentialIssuer, credentialKids } = item;
  if (!consumerId) return undefined;
  if (credentialId && credentialKey && credentialSecret) {
    return { kind: 'secret', consumerId, credentialId, key: credentialKey, secret: credentialSecret };
  }
  if (credentialIssuer) return { kind: 'public-key', consumerId, issuer: credentialIssuer, kids: credentialKids ?? [] };
  return undefined;
}

function toAccount(item: Item): Account {
  const { accountId, consumerId: _c, credentialId: _i, credentialKey: _k, credentialSecret: _s, credentialIssuer: _r, credentialKids: _d, ...account } = item;
  return { ...account, id: accountId ?? item.username, credential: credentialOf(item) };
}

/** The update that stores `credential`, removing every attribute of the other kind (a secret never lingers). */
function setCredential(credential: GatewayCredential) {
  if (credential.kind === 'secret') {
    return {
      set: 'consumerId = :consumerId, credentialId = :credentialId, credentialKey = :key, credentialSecret = :secret',
      remove: 'credentialIssuer, credentialKids',
      values: { ':consumerId': credential.consumerId, ':credentialId': credential.credentialId, ':key': credential.key, ':secret': credential.secret },
    };
  }
  return {
    set: 'consumerId = :consumerId, credentialIssuer = :issuer, credentialKids = :kids',
    remove: 'credentialId, credentialKey, credentialSecret',
    values: { ':consumerId': credential.consumerId, ':issuer': credential.issuer, ':kids': credential.kids },
  };
}

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
    // With any other store's read of the same turn (info's session, refresh's session): one BatchGetItem.
    const item = await consistentGet(this.client, this.table, { username });
    return item ? toAccount(item as unknown as Item) : undefined;
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
    const update = setCredential(credential);
    const write = this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { username },
        UpdateExpression: `SET #status = :active, ${update.set} REMOVE claimId, ${update.remove}`,
        ConditionExpression: '#status = :pending AND claimId = :claimId',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':active': 'active', ':pending': 'pending', ':claimId': claimId, ...update.values },
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

  replaceCredential(username: string, expectedRef: string, credential: GatewayCredential): Promise<boolean> {
    const update = setCredential(credential);
    return applied(
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { username },
          UpdateExpression: `SET ${update.set} REMOVE ${update.remove}`,
          ConditionExpression: 'credentialKey = :expected OR credentialIssuer = :expected',
          ExpressionAttributeValues: { ':expected': expectedRef, ...update.values },
        }),
      ),
    );
  }

  recordKids(username: string, issuer: string, kids: string[]): Promise<boolean> {
    return applied(
      this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { username },
          UpdateExpression: 'SET credentialKids = :kids',
          ConditionExpression: 'credentialIssuer = :issuer',
          ExpressionAttributeValues: { ':issuer': issuer, ':kids': kids },
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

  async setStatus(username: string, accountId: string, from: readonly AccountStatus[], to: AccountStatus): Promise<Account | undefined> {
    let Attributes: Record<string, unknown> | undefined;
    const values = Object.fromEntries(from.map((status, i) => [`:from${i}`, status]));
    const write = this.client.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { username },
        UpdateExpression: 'SET #status = :to',
        // Accounts made before ids existed have none: their username stands in.
        ConditionExpression: `#status IN (${Object.keys(values).join(', ')}) AND (accountId = :id OR (attribute_not_exists(accountId) AND username = :id))`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ...values, ':to': to, ':id': accountId },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (!(await applied(write.then((output) => (Attributes = output.Attributes))))) return undefined;
    return toAccount(Attributes as unknown as Item);
  }

  async remove(username: string, accountId: string): Promise<void> {
    await applied(
      this.client.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { username },
          ConditionExpression: 'accountId = :id OR (attribute_not_exists(accountId) AND username = :id)',
          ExpressionAttributeValues: { ':id': accountId },
        }),
      ),
    );
  }

  /**
   * A Scan with a filter, not an index: DynamoDB has no prefix query but on a
   * sort key, and an index whose partition key is one constant (to sort every
   * name under it) would put every signup on one hot partition, twice (name
   * and email). Operators search rarely; each request reads a bounded number
   * of pages (MAX_SCAN_PAGES) and hands back a cursor where it stopped, so a
   * search of a large table is many short requests, never one long one.
   */
  async search(prefix: string, limit: number, cursor?: string): Promise<{ accounts: Account[]; cursor?: string }> {
    const accounts: Account[] = [];
    let start = decodeCursor(cursor);
    for (let page = 0; page < MAX_SCAN_PAGES; page++) {
      const output = await this.client.send(
        new ScanCommand({
          TableName: this.table,
          ExclusiveStartKey: start,
          Limit: limit - accounts.length,
          ...(prefix
            ? { FilterExpression: 'begins_with(username, :q) OR begins_with(email, :q)', ExpressionAttributeValues: { ':q': prefix } }
            : {}),
        }),
      );
      accounts.push(...(output.Items ?? []).map((item) => toAccount(item as Item)));
      start = output.LastEvaluatedKey;
      if (!start || accounts.length >= limit) break;
    }
    return { accounts, cursor: encodeCursor(start) };
  }
}

/** How many Scan pages one search request reads at most before it answers with a cursor. */
const MAX_SCAN_PAGES = 10;
