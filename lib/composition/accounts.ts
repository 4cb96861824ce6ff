// The service's accounts on the users table, without their passwords (password-accounts.ts), so that no hasher is bundled.
import { Accounts } from '../accounts/accounts';
import { DynamoDBAccountStore } from '../accounts/dynamodb-store';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';

export const accounts = new Accounts(new DynamoDBAccountStore(dynamodb(), config.usersTable));
