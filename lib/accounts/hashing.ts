// The service's accounts with their passwords: imported only by the flows
// that hash or check one (signup, signin, password change, browser login and
// register), so that no other function's bundle carries bcrypt.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBAccountStore } from './dynamodb-store';
import { PasswordAccounts } from './password-accounts';
import { bcryptHasher } from './passwords';

export const passwordAccounts = new PasswordAccounts(
  new DynamoDBAccountStore(dynamodb(), config.usersTable),
  bcryptHasher(config.bcryptCost, config.passwordPepper),
);
