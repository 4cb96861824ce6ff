import { ForbiddenError, UnauthorizedError } from './errors';
import * as kong from './kong-admin';
import { log } from './log';
import { hashPassword, verifyPassword } from './passwords';
import {
  activateUser,
  changePassword,
  claimUsername,
  endSessions,
  getUser,
  isActive,
  releaseClaim,
  replaceIdentity,
  type ActiveUser,
  type KongIdentity,
} from './users';

export interface PublicUser {
  username: string;
  consumer_id: string;
  created_at: string;
}

export const publicUser = (user: ActiveUser): PublicUser => ({
  username: user.username,
  consumer_id: user.consumerId,
  created_at: user.createdAt,
});

/**
 * Creates a JWT credential for the user's consumer (creating the consumer if
 * needed). With `removeOthers`, credentials left by an earlier failed signup
 * go first: their secrets were never handed out, and nobody should hold a
 * second key to this consumer.
 */
async function freshIdentity(username: string, removeOthers: boolean): Promise<KongIdentity> {
  const consumer = await kong.ensureConsumer(username);
  if (removeOthers) {
    for (const stale of await kong.listJwtCredentials(consumer.id)) {
      await kong.deleteJwtCredential(consumer.id, stale.id);
    }
  }
  const credential = await kong.createJwtCredential(consumer.id);
  return {
    consumerId: consumer.id,
    credentialId: credential.id,
    credentialKey: credential.key,
    credentialSecret: credential.secret,
  };
}

/**
 * Kong and DynamoDB share no transaction. The username is claimed in DynamoDB
 * first (the conditional write decides concurrent signups), Kong is set up
 * next, and the claim becomes an active user last. If anything fails, the
 * claim is released and a retry starts over, reusing the consumer and
 * replacing its credential.
 */
export async function signUp(username: string, password: string): Promise<ActiveUser> {
  const claimId = await claimUsername(username, await hashPassword(password));
  try {
    const user = await activateUser(username, claimId, await freshIdentity(username, true));
    log.info('user signed up', { username, consumerId: user.consumerId });
    return user;
  } catch (error) {
    await releaseClaim(username, claimId).catch((releaseError) =>
      log.error('could not release signup claim', { username, error: releaseError?.name }),
    );
    throw error;
  }
}

/** Same answer, in about the same time, for an unknown user and a wrong password. */
export async function authenticate(username: string, password: string): Promise<ActiveUser> {
  const user = await getUser(username);
  const matches = await verifyPassword(password, user?.passwordHash);
  if (!matches || !isActive(user)) throw new UnauthorizedError('Invalid username or password');
  return user;
}

/**
 * Gives the user a new Kong credential and stores it. If a concurrent request
 * stored one first, ours is dropped and theirs is used.
 */
async function replaceKongIdentity(user: ActiveUser): Promise<ActiveUser> {
  const identity = await freshIdentity(user.username, false);
  if (await replaceIdentity(user.username, user.credentialKey, identity)) return { ...user, ...identity };

  await kong.deleteJwtCredential(identity.consumerId, identity.credentialId);
  const current = await getUser(user.username);
  if (!isActive(current)) throw new UnauthorizedError('Invalid username or password');
  return current;
}

/**
 * Makes sure Kong still has the credential the user's tokens are signed with,
 * re-creating it (and the consumer) if Kong lost them.
 */
export async function ensureKongIdentity(user: ActiveUser): Promise<ActiveUser> {
  const credential = await kong.getJwtCredential(user.consumerId, user.credentialKey);
  if (credential?.secret === user.credentialSecret) return user;
  log.warn('kong credential missing: re-creating it', { username: user.username });
  return replaceKongIdentity(user);
}

/**
 * Replaces the user's credential so that Kong itself refuses every access
 * token issued before. The old one goes first: if a later step fails, the
 * user is left with a credential Kong lost, which the next signin repairs.
 */
async function rotateKongIdentity(user: ActiveUser): Promise<ActiveUser> {
  await kong.deleteJwtCredential(user.consumerId, user.credentialId);
  return replaceKongIdentity(user);
}

/** Ends every session of the user: refresh-token families and access tokens alike. */
export async function endAllSessions(user: ActiveUser): Promise<ActiveUser> {
  const updated = await endSessions(user.username);
  const rotated = await rotateKongIdentity(updated);
  log.info('all sessions ended', { username: user.username });
  return rotated;
}

/** Changes the password after checking the current one, and ends every session. */
export async function changeUserPassword(user: ActiveUser, currentPassword: string, newPassword: string): Promise<ActiveUser> {
  if (!(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new ForbiddenError('Current password is incorrect');
  }
  const updated = await changePassword(user.username, user.passwordHash, await hashPassword(newPassword));
  const rotated = await rotateKongIdentity(updated);
  log.info('password changed', { username: user.username });
  return rotated;
}
