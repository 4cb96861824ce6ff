import { log } from '../platform/log';
import { profileExists, profileNotFound, publicProfile, type Identity, type Profile, type ProfileFields } from './profile';
import type { ProfileStore } from './store';

/** The user-profile service's one capability: each user's own profile, and nobody else's. */
export class Profiles {
  constructor(private readonly store: ProfileStore) {}

  /** The stored profile, if any: for the page, which offers to create one. */
  find(identity: Identity): Promise<Profile | undefined> {
    return this.store.get(identity.accountId);
  }

  async get(identity: Identity) {
    const profile = await this.store.get(identity.accountId);
    if (!profile) throw profileNotFound();
    return publicProfile(identity, profile);
  }

  async create(identity: Identity, fields: ProfileFields) {
    const now = new Date().toISOString();
    const profile: Profile = { accountId: identity.accountId, username: identity.username, ...fields, createdAt: now, updatedAt: now };
    if (!(await this.store.create(profile))) throw profileExists();
    log.info('profile created', { username: identity.username });
    return publicProfile(identity, profile);
  }

  /** Account erasure (the auth service's, lib/flows/account-erasure.ts): the profile goes, if there is one. */
  erase(accountId: string): Promise<void> {
    return this.store.delete(accountId);
  }

  async update(identity: Identity, fields: ProfileFields) {
    const profile = await this.store.update(identity.accountId, identity.username, fields, new Date().toISOString());
    if (!profile) throw profileNotFound();
    log.info('profile updated', { username: identity.username });
    return publicProfile(identity, profile);
  }
}

/** The body's snake_case fields as the store keeps them. */
export const fieldsOf = (body: { display_name: string; bio: string; location: string; website: string }): ProfileFields => ({
  displayName: body.display_name,
  bio: body.bio,
  location: body.location,
  website: body.website,
});
