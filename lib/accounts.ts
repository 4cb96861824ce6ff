import { UnauthorizedError } from './errors';
import * as kong from './kong-admin';
import { log } from './log';
import { hashPassword, verifyPassword } from './passwords';
import { activateUser, claimUsername, getUser, isActive, releaseClaim, replaceIdentity, type ActiveUser, type KongIdentity } from './users';

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
 * Makes sure Kong still has the credential the user's tokens are signed with,
 * re-creating it (and the consumer) if Kong lost them.
 */
export async function ensureKongIdentity(user: ActiveUser): Promise<ActiveUser> {
  const credential = await kong.getJwtCredential(user.consumerId, user.credentialKey);
  if (credential?.secret === user.credentialSecret) return user;

  log.warn('kong credential missing: re-creating it', { username: user.username });
  const identity = await freshIdentity(user.username, false);
  if (await replaceIdentity(user.username, user.credentialKey, identity)) return { ...user, ...identity };

  // A concurrent request repaired it first: drop ours and use theirs.
  await kong.deleteJwtCredential(identity.consumerId, identity.credentialId);
  const current = await getUser(user.username);
  if (!isActive(current)) throw new UnauthorizedError('Invalid username or password');
  return current;
}
