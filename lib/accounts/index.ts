// The service's accounts, on the users table: what handlers use. Passwords
// are hashing.ts', so that this module's importers do not bundle the hasher.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { Accounts } from './accounts';
import { DynamoDBAccountStore } from './dynamodb-store';

export * from './account';
export const accounts = new Accounts(new DynamoDBAccountStore(dynamodb(), config.usersTable));
