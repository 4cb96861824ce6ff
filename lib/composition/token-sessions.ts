// Token sessions (signin, refresh rotation, revocation) on the tokens table, and the access tokens they sign.
import { config, FIRST_PARTY_SCOPE, MAX_ACCESS_TOKEN_TTL_SECONDS } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBTokenSessionStore } from '../token-sessions/dynamodb-store';
import { TokenSessions } from '../token-sessions/token-sessions';
import { AccessTokens } from '../tokens/access-tokens';

export const accessTokens = new AccessTokens(config.accessTokenTtlSeconds, MAX_ACCESS_TOKEN_TTL_SECONDS, {
  issuer: config.issuerUrl,
  audience: config.accessTokenAudience,
  firstParty: { clientId: config.firstPartyClientId, scope: FIRST_PARTY_SCOPE },
});

export const tokenSessions = new TokenSessions(
  new DynamoDBTokenSessionStore(dynamodb(), config.tokensTable),
  accessTokens,
  config.refreshTokenTtlSeconds,
  config.refreshRetryGraceSeconds,
);
