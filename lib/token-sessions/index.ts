// The service's sessions, on the tokens table: what handlers use.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { accessTokens } from '../tokens';
import { DynamoDBTokenSessionStore } from './dynamodb-store';
import { TokenSessions } from './token-sessions';

export * from './token-session';
export const sessions = new TokenSessions(
  new DynamoDBTokenSessionStore(dynamodb(), config.tokensTable),
  accessTokens,
  config.refreshTokenTtlSeconds,
  config.refreshRetryGraceSeconds,
);
