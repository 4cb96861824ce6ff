/** The AWS settings every part of the stack uses to reach DynamoDB Local. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB Local checks neither credentials nor region (it runs with
 * -sharedDb), but the SDK refuses to sign requests without them.
 */
export const LOCAL_AWS_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
} as const;

export function localDynamoClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_ENV.AWS_REGION,
    credentials: { accessKeyId: LOCAL_AWS_ENV.AWS_ACCESS_KEY_ID, secretAccessKey: LOCAL_AWS_ENV.AWS_SECRET_ACCESS_KEY },
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 },
  });
}

/** A client for the DynamoDB Local at `endpoint`, destroyed (its sockets closed) once `use` settles. */
export async function withLocalDynamo<T>(endpoint: string, use: (client: DynamoDBClient) => Promise<T>): Promise<T> {
  const client = localDynamoClient(endpoint);
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** serverless.yml's stage for the local stack: its params need no deploy settings (VPC, Kong Admin URL). */
export const LOCAL_STAGE = 'local';
