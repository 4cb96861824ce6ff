// Account erasure: every capability's eraser over its real store, and the Kong Admin API (axios).
import { accountErasureFlow, coreErasers } from '../flows/account-erasure';
import { config } from '../platform/config';
import { dynamodb } from '../platform/dynamodb';
import { DynamoDBProfileStore } from '../profiles/dynamodb-store';
import { Profiles } from '../profiles/profiles';
import { accounts } from './accounts';
import { browserSessions } from './browser-sessions';
import { kongCredentials } from './kong';
import { protection } from './protection';
import { tokenSessions } from './token-sessions';

if (!config.profilesTable) throw new Error('Invalid configuration: PROFILES_TABLE is required by the functions that erase or export accounts');

/** The profile service's profiles, as erasure and export reach them (the auth service's functions never verify identity tokens). */
export const profiles = new Profiles(new DynamoDBProfileStore(dynamodb(), config.profilesTable));

/** Later capabilities append their erasers here (lib/flows/account-erasure.ts, coreErasers). */
export const eraseAccount = accountErasureFlow({
  accounts,
  erasers: coreErasers({ kongCredentials, tokenSessions, browserSessions, profiles, protection }),
});
