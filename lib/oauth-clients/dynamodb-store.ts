import { DeleteCommand, GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../platform/dynamodb';
import { originOf, type OAuthClient } from './client';
import type { OAuthClientStore } from './store';

/**
 * Clients live in the tokens table, beside the sessions their tokens belong
 * to, as two kinds of item (no TTL attribute: they last until deleted):
 * - `client#<client_id>`: the client;
 * - `client-origin#<origin>`: the public clients whose redirect URIs are on
 *   that origin (a string set), so that the token endpoint answers a CORS
 *   preflight with one GetItem, never a scan.
 * Only the operator's command writes either.
 */
const clientKey = (id: string) => ({ id: `client#${id}` });
const originKey = (origin: string) => ({ id: `client-origin#${origin}` });

const publicOrigins = (client: OAuthClient): string[] =>
  client.public ? [...new Set(client.redirectUris.map(originOf).filter((origin): origin is string => origin !== undefined))] : [];

export class DynamoDBOAuthClientStore implements OAuthClientStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async create(oauthClient: OAuthClient): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({ TableName: this.table, Item: { ...oauthClient, ...clientKey(oauthClient.id) }, ConditionExpression: 'attribute_not_exists(id)' }),
      );
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
    for (const origin of publicOrigins(oauthClient)) {
      await this.client.send(
        new UpdateCommand({ TableName: this.table, Key: originKey(origin), UpdateExpression: 'ADD clientIds :id', ExpressionAttributeValues: { ':id': new Set([oauthClient.id]) } }),
      );
    }
    return true;
  }

  async get(id: string): Promise<OAuthClient | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: clientKey(id), ConsistentRead: true }));
    return Item ? ({ ...Item, id } as OAuthClient) : undefined;
  }

  /** A scan: the operator's command alone lists, and rarely. */
  async list(): Promise<OAuthClient[]> {
    const clients: OAuthClient[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new ScanCommand({ TableName: this.table, FilterExpression: 'begins_with(id, :prefix)', ExpressionAttributeValues: { ':prefix': 'client#' }, ExclusiveStartKey }),
      );
      for (const item of page.Items ?? []) clients.push({ ...item, id: (item.id as string).slice('client#'.length) } as OAuthClient);
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return clients.sort((a, b) => a.registeredAt.localeCompare(b.registeredAt));
  }

  async delete(id: string): Promise<boolean> {
    const { Attributes } = await this.client.send(new DeleteCommand({ TableName: this.table, Key: clientKey(id), ReturnValues: 'ALL_OLD' }));
    if (!Attributes) return false;
    for (const origin of publicOrigins({ ...Attributes, id } as OAuthClient)) {
      await this.client.send(
        new UpdateCommand({ TableName: this.table, Key: originKey(origin), UpdateExpression: 'DELETE clientIds :id', ExpressionAttributeValues: { ':id': new Set([id]) } }),
      );
    }
    return true;
  }

  async isPublicOrigin(origin: string): Promise<boolean> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: originKey(origin) }));
    const ids = Item?.clientIds as Set<string> | undefined;
    return ids !== undefined && ids.size > 0;
  }
}
