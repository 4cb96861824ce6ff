import type { Profile, ProfileFields } from './profile';

/** Where profiles live: the profile service's own table (dynamodb-store.ts), memory in unit tests. */
export interface ProfileStore {
  get(accountId: string): Promise<Profile | undefined>;
  /** Stores a new profile; false if the account has one already. */
  create(profile: Profile): Promise<boolean>;
  /** Replaces the fields of an existing profile; undefined if there is none. */
  update(accountId: string, username: string, fields: ProfileFields, updatedAt: string): Promise<Profile | undefined>;
  /** Account erasure: deletes the account's profile, if any. */
  delete(accountId: string): Promise<void>;
}
