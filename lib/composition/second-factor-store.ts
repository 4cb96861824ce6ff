// The second factors' items on the tokens table, without their secrets' custody: account erasure, the
// operators' view and the user's export read or delete them and bundle no KMS client.
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBSecondFactorStore } from '../second-factors/dynamodb-store';
import { enrolledFactorsOf } from '../second-factors/enrolled';
import { DynamoDBPasskeyStore } from '../passkeys/dynamodb-store';

export const secondFactorStore = new DynamoDBSecondFactorStore(dynamodb(), config.tokensTable);
/** Passkeys (lib/passkeys): public keys only, on the same table. */
export const passkeyStore = new DynamoDBPasskeyStore(dynamodb(), config.tokensTable);
export const enrolledFactors = enrolledFactorsOf(secondFactorStore, passkeyStore);
