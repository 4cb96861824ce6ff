// The service's accounts, on the users table: what handlers use.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { Accounts } from './accounts';
import { DynamoDBAccountStore } from './dynamodb-store';
import { bcryptHasher } from './passwords';

export * from './account';
export const accounts = new Accounts(new DynamoDBAccountStore(dynamodb(), config.usersTable), bcryptHasher(config.bcryptCost, config.passwordPepper));
