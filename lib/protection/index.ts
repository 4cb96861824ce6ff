// The service's account protection, on the attempts table: what the flows use.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBAttemptStore } from './dynamodb-store';
import { Protection } from './protection';

export { tooManyAttempts } from './limits';
export const protection = new Protection(new DynamoDBAttemptStore(dynamodb(), config.attemptsTable, config.protection), config.protection);
