// The OAuth token endpoint: client registry, codes, token sessions, the service's keys.
import { idTokens } from '../flows/id-token';
import { oauthTokenFlow } from '../flows/oauth-token';
import { DynamoDBAuthorizationCodeStore } from '../oauth-clients/codes';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { accounts } from './accounts';
import { deviceTokens } from './device-tokens';
import { signingKeys } from './keys';
import { oauthClients } from './oauth-clients';
import { passwordAccounts } from './password-accounts';
import { protection } from './protection';
import { secondFactors } from './second-factors';
import { subjects } from './subjects';
import { accessTokens, tokenSessions } from './token-sessions';

export const codes = new DynamoDBAuthorizationCodeStore(dynamodb(), config.tokensTable);

export const oauthToken = oauthTokenFlow({
  oauthClients,
  accounts,
  tokenSessions,
  subjects,
  accessTokens,
  signingKeys,
  codes,
  protection,
  passwordAccounts,
  deviceTokens,
  secondFactors,
  idToken: idTokens(signingKeys),
});
