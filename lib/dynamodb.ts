import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from './config';
import { DependencyError } from './errors';

const client = new DynamoDBClient({
  endpoint: config.dynamodbEndpoint,
  maxAttempts: 2,
  // Short timeouts, so an outage answers 503 quickly instead of hanging the Lambda.
  requestHandler: {
    connectionTimeout: config.dynamodbTimeoutMs,
    requestTimeout: config.dynamodbTimeoutMs,
    throwOnRequestTimeout: true,
  },
});

// Failed conditions are answers the stores act on; anything else (network,
// timeouts, throttling, server errors) means DynamoDB is failing us.
client.middlewareStack.add(
  (next) => async (args) => {
    try {
      return await next(args);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || error instanceof TransactionCanceledException) throw error;
      throw new DependencyError('dynamodb', (error as Error).name);
    }
  },
  { step: 'initialize', name: 'dependencyErrors' },
);

/** One client per Lambda container. */
export const dynamodb = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });

export const nowSeconds = () => Math.floor(Date.now() / 1000);
