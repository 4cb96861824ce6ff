// The second factors' items on the tokens table, without their secrets' custody: account erasure, the
// operators' view and the user's export read or delete them and bundle no KMS client.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBSecondFactorStore } from '../second-factors/dynamodb-store';
import { enrolledFactorsOf } from '../second-factors/enrolled';

export const secondFactorStore = new DynamoDBSecondFactorStore(dynamodb(), config.tokensTable);
export const enrolledFactors = enrolledFactorsOf(secondFactorStore);
