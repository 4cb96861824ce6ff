// The access-token check of protected routes and introspection: no Admin API call, no hasher.
import { accessTokenCheck } from '../flows/access-token';
import { callerAuthentication } from '../flows/caller';
import { accounts } from './accounts';
import { signingKeys } from './keys';
import { VerifyingAccessTokens } from '../tokens/access-token-verifier';
import { accessTokenSettings, tokenSessions } from './token-sessions';

/** The verifying kind here only: jose's jwtVerify stays out of the functions that sign and never verify. */
const accessTokens = new VerifyingAccessTokens(...accessTokenSettings);

export const checkAccessToken = accessTokenCheck({ accounts, tokenSessions, accessTokens, signingKeys });
export const authenticateCaller = callerAuthentication({ checkAccessToken });
