// The authorization endpoint and consents: the client registry, codes and consents on the tokens table.
import { authorizationFlow } from '../flows/authorization';
import { DynamoDBAuthorizationCodeStore } from '../oauth-clients/codes';
import { DynamoDBConsentStore } from '../oauth-clients/consents';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { oauthClients } from './oauth-clients';

export const consents = new DynamoDBConsentStore(dynamodb(), config.tokensTable);

export const authorize = authorizationFlow({
  oauthClients,
  codes: new DynamoDBAuthorizationCodeStore(dynamodb(), config.tokensTable),
  consents,
  issuer: config.issuerUrl,
});
