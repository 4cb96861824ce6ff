/** Direct access to what the stack stored, and names and passwords for test users. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomBytes } from 'node:crypto';
import { request } from './http';

/** Direct access to the stack's DynamoDB Local tables, to check what the handlers stored. */
export const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: process.env.DYNAMODB_ENDPOINT }));

export async function storedUser(username: string) {
  const { Item } = await db.send(new GetCommand({ TableName: process.env.USERS_TABLE, Key: { username } }));
  return Item;
}

export async function tokenItems(filter: Record<string, unknown>) {
  const { Items = [] } = await db.send(new ScanCommand({ TableName: process.env.TOKENS_TABLE }));
  return Items.filter((item) => Object.entries(filter).every(([key, value]) => item[key] === value));
}

export async function setAttribute(table: 'users' | 'tokens', key: Record<string, string>, name: string, value: unknown) {
  await db.send(
    new UpdateCommand({
      TableName: table === 'users' ? process.env.USERS_TABLE : process.env.TOKENS_TABLE,
      Key: key,
      UpdateExpression: 'SET #name = :value',
      ExpressionAttributeNames: { '#name': name },
      ExpressionAttributeValues: { ':value': value },
    }),
  );
}

/** The Kong Admin API of the stack (the local gateway, or real Kong). */
export const admin = (method: string, path: string, body?: unknown) =>
  request(`${process.env.KONG_ADMIN_URL}${path}`, { method, body });

/** The acl group that lets a consumer use introspection (kong/kong.yml, docs/introspection.md). */
export const INTROSPECTION_GROUP = 'token-introspection';

/**
 * A consumer with a key-auth key, as an operator registers a resource service
 * (docs/introspection.md): in the introspection group unless told otherwise.
 * Returns the key.
 */
export async function resourceService(groups: readonly string[] = [INTROSPECTION_GROUP]): Promise<string> {
  const consumer = await admin('POST', '/consumers', { username: uniqueName('svc') });
  if (consumer.status !== 201) throw new Error(`POST /consumers: ${consumer.status}`);
  const key = await admin('POST', `/consumers/${consumer.body.id}/key-auth`, {});
  if (key.status !== 201) throw new Error(`POST key-auth: ${key.status}`);
  for (const group of groups) {
    const acl = await admin('POST', `/consumers/${consumer.body.id}/acls`, { group });
    if (acl.status !== 201) throw new Error(`POST acls: ${acl.status}`);
  }
  return key.body.key as string;
}

/** A username no other test uses. */
export const uniqueName = (prefix = 'user') => `${prefix}-${randomBytes(5).toString('hex')}`;

export const PASSWORD = 'correct horse battery';
