// The access-token check of protected routes and introspection: no Admin API call, no hasher.
import { accessTokenCheck } from '../flows/access-token';
import { callerAuthentication } from '../flows/caller';
import { accounts } from './accounts';
import { signingKeys } from './keys';
import { accessTokens, tokenSessions } from './token-sessions';

export const checkAccessToken = accessTokenCheck({ accounts, tokenSessions, accessTokens, signingKeys });
export const authenticateCaller = callerAuthentication({ checkAccessToken });
