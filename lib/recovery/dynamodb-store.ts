import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { cancellationReasons, isConditionFailure, TransactionCanceledException } from '../platform/dynamodb';
import type { EmailClaim, EmailOwner, RecoveryStore, TokenKind, TokenRecord } from './store';

/**
 * On the tokens table (key `id`, TTL `expiresAt`), each kind under its own prefix:
 *   reset#<sha256 of token>     a password reset link
 *   verify#<sha256 of token>    an email verification link
 *   email#<address>             the one account that holds an address (domain lower-cased)
 *   recovery#<accountId>        the ids of the account's pending tokens, so that they can be erased
 *   recovery-limit#<scope>#<hour>  how many recovery requests a scope made this hour
 * None carries `sessionOwner`, so none enters the sessions index.
 * The address is on the users table too (Account.email); the uniqueness item
 * is written in the same transaction as the account's address, so the two never disagree.
 */
const tokenId = (kind: TokenKind, hash: string) => `${kind}#${hash}`;
const emailId = (address: string) => `email#${address}`;
const indexId = (accountId: string) => `recovery#${accountId}`;

export class DynamoDBRecoveryStore implements RecoveryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tokensTable: string,
    private readonly usersTable: string,
  ) {}

  async putToken(hash: string, record: TokenRecord): Promise<void> {
    const id = tokenId(record.kind, hash);
    await this.client.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tokensTable, Item: { id, ...record }, ConditionExpression: 'attribute_not_exists(id)' } },
          {
            Update: {
              TableName: this.tokensTable,
              Key: { id: indexId(record.accountId) },
              // Lives as long as its newest token, so that expired ids do not pile up.
              UpdateExpression: 'ADD tokenIds :id SET expiresAt = :expiresAt',
              ExpressionAttributeValues: { ':id': new Set([id]), ':expiresAt': record.expiresAt },
            },
          },
        ],
      }),
    );
  }

  /** The same write as a real token, for a request about no account: nothing can redeem it (no username holds `#`). */
  async putDecoy(hash: string, expiresAt: number): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tokensTable, Item: { id: tokenId('reset', hash), kind: 'reset', username: '#none', accountId: '#none', expiresAt } }),
    );
  }

  async getToken(kind: TokenKind, hash: string): Promise<TokenRecord | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tokensTable, Key: { id: tokenId(kind, hash) }, ConsistentRead: true }));
    if (!Item || Item.kind !== kind) return undefined;
    const { id: _id, ...record } = Item;
    return record as TokenRecord;
  }

  async consumeToken(kind: TokenKind, hash: string, accountId: string): Promise<boolean> {
    const id = tokenId(kind, hash);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            { Delete: { TableName: this.tokensTable, Key: { id }, ConditionExpression: 'attribute_exists(id)' } },
            {
              Update: {
                TableName: this.tokensTable,
                Key: { id: indexId(accountId) },
                UpdateExpression: 'DELETE tokenIds :id',
                ExpressionAttributeValues: { ':id': new Set([id]) },
              },
            },
          ],
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof TransactionCanceledException && cancellationReasons(error, ['token', 'index']).failed('token')) return false;
      throw error;
    }
  }

  async countThisHour(scope: string, now: number): Promise<number> {
    const hour = Math.floor(now / 3600);
    const { Attributes } = await this.client.send(
      new UpdateCommand({
        TableName: this.tokensTable,
        Key: { id: `recovery-limit#${scope}#${hour}` },
        UpdateExpression: 'ADD #count :one SET expiresAt = :expiresAt',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':one': 1, ':expiresAt': (hour + 2) * 3600 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return Number(Attributes?.count ?? 1);
  }

  async emailOwner(address: string): Promise<EmailOwner | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tokensTable, Key: { id: emailId(address) }, ConsistentRead: true }));
    return Item ? { username: Item.username as string, accountId: Item.accountId as string } : undefined;
  }

  async claimEmail(owner: EmailOwner, address: string, previous?: string, verified = false): Promise<EmailClaim> {
    const names = ['email', 'account', ...(previous && previous !== address ? ['previous'] : [])] as const;
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tokensTable,
                Item: { id: emailId(address), ...owner },
                // Idempotent for its own holder; refused for anyone else's address.
                ConditionExpression: 'attribute_not_exists(id) OR accountId = :accountId',
                ExpressionAttributeValues: { ':accountId': owner.accountId },
              },
            },
            {
              Update: {
                TableName: this.usersTable,
                Key: { username: owner.username },
                UpdateExpression: 'SET email = :email, emailVerified = :verified',
                // The account is still the one the owner names, and still has the address the change started from.
                ConditionExpression: `attribute_exists(username) AND (accountId = :accountId OR (attribute_not_exists(accountId) AND username = :accountId)) AND ${
                  previous ? 'email = :previous' : '(attribute_not_exists(email) OR email = :email)'
                }`,
                ExpressionAttributeValues: { ':email': address, ':verified': verified, ':accountId': owner.accountId, ...(previous ? { ':previous': previous } : {}) },
              },
            },
            ...(previous && previous !== address
              ? [
                  {
                    Delete: {
                      TableName: this.tokensTable,
                      Key: { id: emailId(previous) },
                      ConditionExpression: 'attribute_not_exists(id) OR accountId = :accountId',
                      ExpressionAttributeValues: { ':accountId': owner.accountId },
                    },
                  },
                ]
              : []),
          ],
        }),
      );
      return 'claimed';
    } catch (error) {
      if (error instanceof TransactionCanceledException && cancellationReasons(error, names).failed('email')) return 'taken';
      throw error;
    }
  }

  async markVerified(username: string, address: string): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.usersTable,
          Key: { username },
          UpdateExpression: 'SET emailVerified = :true',
          ConditionExpression: 'email = :email',
          ExpressionAttributeValues: { ':true': true, ':email': address },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async eraseRecoveryData(owner: EmailOwner, address?: string): Promise<void> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tokensTable, Key: { id: indexId(owner.accountId) }, ConsistentRead: true }));
    const ids = [...((Item?.tokenIds as Set<string> | undefined) ?? [])];
    for (const id of ids) await this.client.send(new DeleteCommand({ TableName: this.tokensTable, Key: { id } }));
    await this.client.send(new DeleteCommand({ TableName: this.tokensTable, Key: { id: indexId(owner.accountId) } }));
    if (address) {
      try {
        await this.client.send(
          new DeleteCommand({
            TableName: this.tokensTable,
            Key: { id: emailId(address) },
            ConditionExpression: 'accountId = :accountId',
            ExpressionAttributeValues: { ':accountId': owner.accountId },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
  }
}
