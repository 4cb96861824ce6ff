import { dynamodb } from '../../lib/platform/dynamodb';
import { DynamoDBAttemptStore } from '../../lib/protection/dynamodb-store';
import { attemptStoreContract } from '../support/attempt-store-contract';

// The attempts table in DynamoDB Local, through the service's own client,
// held to the same answers as the twin the unit tests use.
attemptStoreContract((limits) => new DynamoDBAttemptStore(dynamodb(), process.env.ATTEMPTS_TABLE!, limits));
