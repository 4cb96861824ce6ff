// The recovery items on the tokens table (reset and verification tokens, address uniqueness), without the mailer:
// account erasure deletes them and bundles no mail transport.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBRecoveryStore } from '../recovery/dynamodb-store';

export const recoveryStore = new DynamoDBRecoveryStore(dynamodb(), config.tokensTable, config.usersTable);
