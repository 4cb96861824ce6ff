import { DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isConditionFailure } from '../platform/dynamodb';
import type { Profile, ProfileFields } from './profile';
import type { ProfileStore } from './store';

/** The profiles table, one item per account id (`accountId`), its only key. */
export class DynamoDBProfileStore implements ProfileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(accountId: string): Promise<Profile | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.table, Key: { accountId }, ConsistentRead: true }));
    return Item as Profile | undefined;
  }

  async create(profile: Profile): Promise<boolean> {
    try {
      await this.client.send(new PutCommand({ TableName: this.table, Item: profile, ConditionExpression: 'attribute_not_exists(accountId)' }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async update(accountId: string, username: string, fields: ProfileFields, updatedAt: string): Promise<Profile | undefined> {
    try {
      const { Attributes } = await this.client.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { accountId },
          UpdateExpression: 'SET username = :username, displayName = :displayName, bio = :bio, #location = :location, website = :website, updatedAt = :updatedAt',
          // An update must not create a profile (that is POST's job, with its createdAt).
          ConditionExpression: 'attribute_exists(accountId)',
          ExpressionAttributeNames: { '#location': 'location' },
          ExpressionAttributeValues: {
            ':username': username,
            ':displayName': fields.displayName,
            ':bio': fields.bio,
            ':location': fields.location,
            ':website': fields.website,
            ':updatedAt': updatedAt,
          },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as Profile;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw error;
    }
  }

  async delete(accountId: string): Promise<void> {
    await this.client.send(new DeleteCommand({ TableName: this.table, Key: { accountId } }));
  }
}
