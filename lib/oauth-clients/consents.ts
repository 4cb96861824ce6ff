import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deleteScanned } from '../platform/dynamodb-sweep';

/**
 * What a user has allowed a third-party client (OIDC Core §3.1.2.4):
 * remembered per user and client, so the consent page shows once, until the
 * user revokes it or the client asks for more.
 */
export interface ConsentStore {
  /** The scopes the user allowed the client, or undefined. */
  get(accountId: string, clientId: string): Promise<string[] | undefined>;
  grant(accountId: string, clientId: string, scopes: string[]): Promise<void>;
  /** Forgets the consent; false if there was none. */
  revoke(accountId: string, clientId: string): Promise<boolean>;
  /** Account erasure: every consent of the account's, for any client. */
  erase(accountId: string): Promise<void>;
}

/**
 * `consent#<account id>#<client_id>` in the tokens table: by the account's
 * immutable id, so a later account under a reused username inherits nothing.
 */
export class DynamoDBConsentStore implements ConsentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private key = (accountId: string, clientId: string) => ({ id: `consent#${accountId}#${clientId}` });

  async get(accountId: string, clientId: string) {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: this.key(accountId, clientId), ConsistentRead: true }));
    return Item ? (Item.scopes as string[]) : undefined;
  }

  async grant(accountId: string, clientId: string, scopes: string[]) {
    await this.client.send(new PutCommand({ TableName: this.table, Item: { ...this.key(accountId, clientId), scopes, grantedAt: new Date().toISOString() } }));
  }

  async revoke(accountId: string, clientId: string) {
    const { Attributes } = await this.client.send(new DeleteCommand({ TableName: this.table, Key: this.key(accountId, clientId), ReturnValues: 'ALL_OLD' }));
    return Attributes !== undefined;
  }

  async erase(accountId: string) {
    // A scan, as account erasure's other rare sweeps: no index serves one account's consents, and none is worth keeping for this.
    await deleteScanned(this.client, this.table, (item) => ({ id: item.id }), {
      FilterExpression: 'begins_with(id, :prefix)',
      ExpressionAttributeValues: { ':prefix': `consent#${accountId}#` },
    });
  }
}

export class InMemoryConsentStore implements ConsentStore {
  private readonly consents = new Map<string, string[]>();
  async get(accountId: string, clientId: string) {
    return this.consents.get(`${accountId}#${clientId}`);
  }
  async grant(accountId: string, clientId: string, scopes: string[]) {
    this.consents.set(`${accountId}#${clientId}`, [...scopes]);
  }
  async revoke(accountId: string, clientId: string) {
    return this.consents.delete(`${accountId}#${clientId}`);
  }
  async erase(accountId: string) {
    for (const key of [...this.consents.keys()]) if (key.startsWith(`${accountId}#`)) this.consents.delete(key);
  }
}
