// The user-profile service: its own table, and the identity the gateway obtained. It
// must never import lib/accounts, lib/sessions or lib/browser-sessions (the auth
// service's), nor read the auth tables; test/unit/profiles/boundaries.test.ts checks.
import { dynamodb } from '../platform/dynamodb';
import { profileConfig } from './config';
import { DynamoDBProfileStore } from './dynamodb-store';
import { IdentityVerifier } from './identity';
import { Profiles } from './profiles';

export * from './profile';
export { fieldsOf } from './profiles';
export { profileConfig };
export const profiles = new Profiles(new DynamoDBProfileStore(dynamodb(), profileConfig.profilesTable));
export const identityVerifier = new IdentityVerifier({
  keys: profileConfig.identityKeys,
  issuer: profileConfig.identityIssuer,
  audience: profileConfig.identityAudience,
});
