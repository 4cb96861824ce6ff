// Account protection (per-username backoff, per-address blocking) on the attempts table.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBAttemptStore } from '../protection/dynamodb-store';
import { Protection } from '../protection/protection';

export const protection = new Protection(new DynamoDBAttemptStore(dynamodb(), config.attemptsTable, config.protection), config.protection);
