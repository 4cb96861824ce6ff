import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config';

/** One client per Lambda container, with short timeouts so an outage answers 503 quickly. */
export const dynamodb = DynamoDBDocumentClient.from(
  new DynamoDBClient({
    endpoint: config.dynamodbEndpoint,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: config.dynamodbTimeoutMs, requestTimeout: config.dynamodbTimeoutMs },
  }),
  { marshallOptions: { removeUndefinedValues: true } },
);

export const nowSeconds = () => Math.floor(Date.now() / 1000);
