// Users' consents to OAuth clients, on the tokens table: the authorization endpoint and account erasure share it.
import { DynamoDBConsentStore } from '../oauth-clients/consents';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';

export const consents = new DynamoDBConsentStore(dynamodb(), config.tokensTable);
