// The user-profile service's own objects: its table, and the check of the identity the gateway obtained.
// It imports nothing of the auth service's (test/unit/profiles/boundaries.test.ts checks).
import { dynamodb } from '../platform/dynamodb';
import { profileConfig } from '../profiles/config';
import { DynamoDBProfileStore } from '../profiles/dynamodb-store';
import { IdentityVerifier } from '../profiles/identity';
import { Profiles } from '../profiles/profiles';

export { profileConfig };
export const profiles = new Profiles(new DynamoDBProfileStore(dynamodb(), profileConfig.profilesTable));
export const identityVerifier = new IdentityVerifier({
  keys: profileConfig.identityKeys,
  issuer: profileConfig.identityIssuer,
  audience: profileConfig.identityAudience,
});
