import { introspection } from '../flows/introspection';
import { config, FIRST_PARTY_SCOPE } from '../platform/config';
import { accounts } from './accounts';
import { checkAccessToken } from './caller';
import { tokenSessions } from './token-sessions';

export const introspect = introspection({
  checkAccessToken,
  tokenSessions,
  accounts,
  refreshTokens: { issuer: config.issuerUrl, firstParty: { clientId: config.firstPartyClientId, scope: FIRST_PARTY_SCOPE } },
});
