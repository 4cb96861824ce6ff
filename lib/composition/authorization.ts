// The authorization endpoint and consents: the client registry, codes and consents on the tokens table.
import { authorizationFlow } from '../flows/authorization';
import { DynamoDBAuthorizationCodeStore } from '../oauth-clients/codes';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { consents } from './consent-store';
import { oauthClients } from './oauth-clients';

export const authorize = authorizationFlow({
  oauthClients,
  codes: new DynamoDBAuthorizationCodeStore(dynamodb(), config.tokensTable),
  consents,
  issuer: config.issuerUrl,
});
