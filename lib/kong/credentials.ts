import { randomBytes } from 'node:crypto';
import type { Accounts } from '../accounts/accounts';
import type { ActiveAccount, GatewayCredential, PublicKeyCredentials } from '../accounts/account';
import { usernameTaken } from '../accounts/account';
import type { PublicKey } from '../keys/algorithms';
import { DependencyError, describeError } from '../platform/errors';
import { log } from '../platform/log';
import type { JwtCredential, KongAdminClient } from './admin-client';

/** What this capability needs of the Admin API; an in-memory fake in unit tests. */
export type KongAdmin = Pick<
  KongAdminClient,
  | 'ensureConsumer'
  | 'createJwtCredential'
  | 'createPublicKeyCredential'
  | 'getJwtCredential'
  | 'listJwtCredentials'
  | 'listJwtCredentialsTagged'
  | 'deleteJwtCredential'
  | 'getConsumer'
  | 'deleteConsumer'
>;

/**
 * Marks the consumers and credentials this service made. Kong may hold
 * others (an operator's, another service's): those are never bound to an
 * account, and never changed or deleted. Not decK's select tag, so a
 * `deck gateway sync` of kong.yml leaves them alone too.
 */
export const OWNER_TAG = 'kong-lambda-auth:account';

/** Marks every credential holding one signing key, so that retiring the key finds them all in one listing. */
export const kidTag = (kid: string) => `kong-lambda-auth:kid:${kid}`;

/**
 * The key of an account's credential for one signing key, and so the `ckey`
 * claim of the access tokens that key signs for the account (`iss` is the issuer URL): unique per account (the
 * random issuer) and per signing key. Never 36 characters long, so Kong
 * never takes it for a credential id.
 */
export const credentialKey = (issuer: string, kid: string) => `${issuer}.${kid}`;

/** 128 random bits: a new one cuts off every token carrying the old one at once. */
const newIssuer = () => randomBytes(16).toString('base64url');

type PublicKeyAccount = ActiveAccount & { credential: PublicKeyCredentials };

/**
 * Each account's Kong consumer and the JWT credentials Kong checks its access
 * tokens against: made at signup, repaired at signin, rotated to cut off
 * every access token at once. Two kinds (lib/accounts/account.ts):
 * - HS256: one credential whose secret signs the tokens (designs 000/002);
 * - ES256/RS256 (`key` given): one credential per signing key, holding only
 *   its public key, so neither Kong nor the users table holds anything that
 *   can sign. A new signing key gets its credential the first time a token
 *   is signed with it for the account (at most once per account and key);
 *   a retired key's credentials all go at once (`retire`).
 * Where `key` is a parameter, it is the service's current signing key in
 * ES256/RS256 mode and undefined in HS256 mode; an account whose credential is
 * of the other kind (the mode was switched) gets one of the right kind.
 */
export class KongCredentials {
  constructor(
    private readonly admin: KongAdmin,
    private readonly accounts: Accounts,
  ) {}

  /**
   * A new credential for the user's consumer (creating the consumer if
   * needed). A consumer this service did not make is refused as a taken name.
   */
  async provision(username: string, key?: PublicKey): Promise<GatewayCredential> {
    const consumer = await this.admin.ensureConsumer(username, [OWNER_TAG]);
    // Same answer as a taken name: that name belongs to someone else at Kong.
    if (!consumer.tags?.includes(OWNER_TAG)) throw usernameTaken();
    if (!key) {
      const credential = await this.admin.createJwtCredential(consumer.id, [OWNER_TAG]);
      return { kind: 'secret', consumerId: consumer.id, credentialId: credential.id, key: credential.key, secret: credential.secret };
    }
    const issuer = newIssuer();
    await this.addPublicKey(consumer.id, issuer, key);
    return { kind: 'public-key', consumerId: consumer.id, issuer, kids: [key.kid] };
  }

  /**
   * Deletes every other credential this service made for the consumer:
   * ones a failed or losing signup left, never handed out, so that nobody
   * holds a second key to it. Others' stay.
   */
  async keepOnly(credential: GatewayCredential): Promise<void> {
    for (const other of await this.admin.listJwtCredentials(credential.consumerId)) {
      if (other.tags?.includes(OWNER_TAG) && !belongsTo(other, credential)) {
        await this.admin.deleteJwtCredential(credential.consumerId, other.id);
      }
    }
  }

  /** Deletes a credential this service made but did not use. */
  async discard(credential: GatewayCredential): Promise<void> {
    if (credential.kind === 'secret') return this.admin.deleteJwtCredential(credential.consumerId, credential.credentialId);
    for (const kid of credential.kids) await this.admin.deleteJwtCredential(credential.consumerId, credentialKey(credential.issuer, kid));
  }

  /**
   * Signin: makes sure Kong still has the credential the account's tokens are
   * signed for, re-creating it (and the consumer) if Kong lost it. One Admin
   * API call in the steady state, as before public keys.
   */
  async ensure(account: ActiveAccount, key?: PublicKey): Promise<ActiveAccount> {
    const { credential } = account;
    if (!fits(credential, key)) return this.replace(account, key);
    if (credential.kind === 'secret') {
      const found = await this.admin.getJwtCredential(credential.consumerId, credential.key);
      if (found?.secret === credential.secret) return account;
    } else if (key && credential.kids.includes(key.kid)) {
      const found = await this.admin.getJwtCredential(credential.consumerId, credentialKey(credential.issuer, key.kid));
      if (found && holds(found, key)) return account;
    } else if (key) {
      return this.withKey(account as PublicKeyAccount, key, new Set(credential.kids));
    }
    log.warn('kong credential missing: re-creating it', { username: account.username });
    // A new issuer, not the old one again: tokens of a credential Kong lost stay refused.
    const replaced = await this.replace(account, key);
    await this.keepOnly(replaced.credential).catch((error) => log.warn('could not remove stale credentials', { username: account.username, ...describeError(error) }));
    return replaced;
  }

  /**
   * Refresh and the like: the account, ready to have tokens signed with
   * `key`. No Admin API call unless the account has no credential for `key`
   * yet: then one is made (once per account and signing key), and the
   * account's record of its keys is trimmed to the `published` ones.
   */
  async ready(account: ActiveAccount, key?: PublicKey, published: ReadonlySet<string> = new Set()): Promise<ActiveAccount> {
    if (!fits(account.credential, key)) return this.replace(account, key);
    if (!key || account.credential.kind !== 'public-key' || account.credential.kids.includes(key.kid)) return account;
    return this.withKey(account as PublicKeyAccount, key, published);
  }

  /**
   * Replaces the account's credentials so that Kong itself refuses every
   * access token issued before. The old ones go first: if a later step fails,
   * the account is left with credentials Kong lost, which the next signin
   * replaces with new ones.
   */
  async rotate(account: ActiveAccount, key?: PublicKey): Promise<ActiveAccount> {
    const { credential } = account;
    if (credential.kind === 'secret') {
      await this.admin.deleteJwtCredential(credential.consumerId, credential.credentialId);
    } else {
      for (const other of await this.admin.listJwtCredentials(credential.consumerId)) {
        if (other.tags?.includes(OWNER_TAG)) await this.admin.deleteJwtCredential(credential.consumerId, other.id);
      }
    }
    return this.replace(account, key);
  }

  /**
   * An operator disabling the account: every credential this service made for
   * it goes, so Kong refuses its live access tokens at once. The account keeps
   * its record of them: the next signin after it is enabled finds them gone
   * at Kong and makes new ones (`ensure`).
   */
  async revokeAll(account: ActiveAccount | { credential?: GatewayCredential }): Promise<void> {
    if (!account.credential) return;
    const { consumerId } = account.credential;
    for (const credential of await this.admin.listJwtCredentials(consumerId)) {
      if (credential.tags?.includes(OWNER_TAG)) await this.admin.deleteJwtCredential(consumerId, credential.id);
    }
  }

  /**
   * Account erasure: the user's consumer goes, and its credentials with it.
   * Found by name as well as by the id the account recorded, so a consumer
   * made by a signup that never stored it goes too; one this service did not
   * make (an operator's of the same name) is never touched. Idempotent.
   */
  async removeConsumer(username: string, consumerId?: string): Promise<void> {
    for (const ref of new Set([consumerId, username].filter((ref): ref is string => ref !== undefined))) {
      const consumer = await this.admin.getConsumer(ref);
      if (consumer?.tags?.includes(OWNER_TAG) && consumer.username === username) await this.admin.deleteConsumer(consumer.id);
    }
  }

  /**
   * Deletes every credential holding signing key `kid`, whatever account it
   * is for: the key is retired, and Kong must not accept anything it signs
   * (its last tokens expired before it was retired).
   */
  retire(kid: string): Promise<void> {
    return retireKey(this.admin, kid);
  }

  /** A credential for one more signing key, recorded on the account; a concurrent logout-all's new issuer wins. */
  private async withKey(account: PublicKeyAccount, key: PublicKey, published: ReadonlySet<string>, attempt = 1): Promise<ActiveAccount> {
    const { consumerId, issuer, kids } = account.credential;
    await this.addPublicKey(consumerId, issuer, key);
    const kept = kids.filter((kid) => kid !== key.kid && published.has(kid));
    // A key no longer published was retired, and its credentials deleted; this removes any the retirement missed.
    for (const gone of kids.filter((kid) => kid !== key.kid && !published.has(kid))) {
      await this.admin.deleteJwtCredential(consumerId, credentialKey(issuer, gone));
    }
    const result = await this.accounts.recordKids(account, [...kept, key.kid]);
    if (result.stored) return result.account;
    // The issuer changed meanwhile (a logout-all): this credential is of no use; go again on the account as it now is.
    await this.admin.deleteJwtCredential(consumerId, credentialKey(issuer, key.kid));
    const current = result.account;
    if (!fits(current.credential, key)) return this.replace(current, key);
    if (current.credential.kind === 'public-key' && current.credential.kids.includes(key.kid)) return current;
    if (attempt > 1) throw new DependencyError('kong', new Error("the account's credentials kept changing"));
    return this.withKey(current as PublicKeyAccount, key, published, attempt + 1);
  }

  /** Adds the credential for `key` under `issuer`; one already there holding that very key (a concurrent request's) is fine. */
  private async addPublicKey(consumerId: string, issuer: string, key: PublicKey): Promise<void> {
    const input = { key: credentialKey(issuer, key.kid), algorithm: key.algorithm, rsa_public_key: key.pem, tags: [OWNER_TAG, kidTag(key.kid)] };
    if (await this.admin.createPublicKeyCredential(consumerId, input)) return;
    const existing = await this.admin.getJwtCredential(consumerId, input.key);
    if (!existing || !holds(existing, key)) {
      throw new DependencyError('kong', new Error(`credential ${input.key} exists with another key or consumer`));
    }
  }

  /** A new credential, stored; if a concurrent request stored one first, ours is dropped and theirs is used. */
  private async replace(account: ActiveAccount, key?: PublicKey): Promise<ActiveAccount> {
    const credential = await this.provision(account.username, key);
    const result = await this.accounts.replaceCredential(account, credential);
    if (!result.stored) {
      await this.discard(credential);
    } else if (account.credential.kind !== credential.kind) {
      // ACCESS_TOKEN_ALGORITHM changed: the old kind's credentials go, and Kong refuses the tokens they verified.
      await this.discard(account.credential).catch((error) => log.warn('could not remove the old kind of credential', { username: account.username, ...describeError(error) }));
    }
    return result.account;
  }
}

/** KongCredentials.retire, for callers without accounts (the rotation command). */
export async function retireKey(admin: Pick<KongAdmin, 'listJwtCredentialsTagged' | 'deleteJwtCredential'>, kid: string): Promise<void> {
  const credentials = await admin.listJwtCredentialsTagged([OWNER_TAG, kidTag(kid)]);
  for (const credential of credentials) await admin.deleteJwtCredential(credential.consumer.id, credential.id);
  log.info('retired signing key removed from kong', { kid, credentials: credentials.length });
}

/** Whether the credential is of the kind the mode signs with: a secret for HS256, public keys otherwise. */
const fits = (credential: GatewayCredential, key: PublicKey | undefined): boolean => (key ? credential.kind === 'public-key' : credential.kind === 'secret');

/** Whether a credential at Kong verifies with exactly this public key. */
const holds = (credential: JwtCredential, key: PublicKey): boolean => credential.algorithm === key.algorithm && credential.rsa_public_key === key.pem;

/** Whether a credential at Kong is one of the account's own. */
function belongsTo(credential: JwtCredential, own: GatewayCredential): boolean {
  return own.kind === 'secret' ? credential.id === own.credentialId : credential.key.startsWith(`${own.issuer}.`);
}
