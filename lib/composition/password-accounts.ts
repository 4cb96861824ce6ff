// Accounts with their passwords: bundles bcryptjs. Only the flows that hash or check a password import it.
import { DynamoDBAccountStore } from '../accounts/dynamodb-store';
import { PasswordAccounts } from '../accounts/password-accounts';
import { bcryptHasher } from '../accounts/passwords';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';

export const passwordAccounts = new PasswordAccounts(
  new DynamoDBAccountStore(dynamodb(), config.usersTable),
  bcryptHasher(config.bcryptCost, config.passwordPepper),
);
