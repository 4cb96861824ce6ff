// The registry of OAuth clients, on the tokens table.
import { DynamoDBOAuthClientStore } from '../oauth-clients/dynamodb-store';
import { OAuthClients } from '../oauth-clients/registry';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';

export const oauthClients = new OAuthClients(new DynamoDBOAuthClientStore(dynamodb(), config.tokensTable));
