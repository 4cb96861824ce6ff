import { AppError } from '../platform/errors';

/**
 * Who is asking, as the identity provider vouched for it (a verified
 * identity token): the profile service knows users only through this.
 */
export interface Identity {
  /** The account's immutable id: a profile belongs to it, not to a name that may be reused. */
  accountId: string;
  username: string;
  email?: string;
  firstName?: string;
}

/** What the user edits. */
export interface ProfileFields {
  displayName: string;
  bio: string;
  location: string;
  website: string;
}

export interface Profile extends ProfileFields {
  accountId: string;
  /** The name it was last saved under, for people reading the table. */
  username: string;
  createdAt: string;
  updatedAt: string;
}

/** The whole profile as the API answers it: identity fields from the identity, the rest as stored. */
export const publicProfile = (identity: Identity, profile: Profile) => ({
  username: identity.username,
  email: identity.email ?? null,
  first_name: identity.firstName ?? null,
  display_name: profile.displayName,
  bio: profile.bio,
  location: profile.location,
  website: profile.website,
  created_at: profile.createdAt,
  updated_at: profile.updatedAt,
});

export const profileNotFound = () => new AppError('profile_not_found');
export const profileExists = () => new AppError('profile_exists');
