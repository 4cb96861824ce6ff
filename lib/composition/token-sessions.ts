// Token sessions (signin, refresh rotation, revocation) on the tokens table, and the access tokens they sign.
import { config, FIRST_PARTY_SCOPE, MAX_ACCESS_TOKEN_TTL_SECONDS } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBTokenSessionStore } from '../token-sessions/dynamodb-store';
import { TokenSessions } from '../token-sessions/token-sessions';
import { AccessTokens } from '../tokens/access-tokens';

/** What every access token says of its issuer and audience, and the first-party grant; with their lifetimes, the signer's and the verifier's arguments. */
export const accessTokenSettings = [
  config.accessTokenTtlSeconds,
  MAX_ACCESS_TOKEN_TTL_SECONDS,
  { issuer: config.issuerUrl, audience: config.accessTokenAudience, firstParty: { clientId: config.firstPartyClientId, scope: FIRST_PARTY_SCOPE } },
] as const;

/** Signs; the protected routes' caller check verifies with VerifyingAccessTokens (lib/composition/caller.ts), apart for jose's weight. */
export const accessTokens = new AccessTokens(...accessTokenSettings);

export const tokenSessions = new TokenSessions(
  new DynamoDBTokenSessionStore(dynamodb(), config.tokensTable),
  accessTokens,
  config.refreshTokenTtlSeconds,
  config.refreshRetryGraceSeconds,
);
