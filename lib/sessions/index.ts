// The service's sessions, on the tokens table: what handlers use.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { accessTokens } from '../tokens';
import { DynamoDBSessionStore } from './dynamodb-store';
import { Sessions } from './sessions';

export * from './session';
export const sessions = new Sessions(
  new DynamoDBSessionStore(dynamodb(), config.tokensTable),
  accessTokens,
  config.refreshTokenTtlSeconds,
  config.refreshRetryGraceSeconds,
);
