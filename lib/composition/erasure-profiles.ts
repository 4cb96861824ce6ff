// The profile service's table as the auth service's erasure and export reach it (no identity-token check, no Kong client).
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBProfileStore } from '../profiles/dynamodb-store';
import { Profiles } from '../profiles/profiles';

if (!config.profilesTable) throw new Error('Invalid configuration: PROFILES_TABLE is required by the functions that erase or export accounts');

export const profiles = new Profiles(new DynamoDBProfileStore(dynamodb(), config.profilesTable));
