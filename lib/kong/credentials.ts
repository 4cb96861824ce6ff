import type { Accounts } from '../accounts/accounts';
import type { ActiveAccount, GatewayCredential } from '../accounts/account';
import { usernameTaken } from '../accounts/account';
import { log } from '../platform/log';
import type { KongAdminClient } from './admin-client';

/** What this capability needs of the Admin API; an in-memory fake in unit tests. */
export type KongAdmin = Pick<
  KongAdminClient,
  'ensureConsumer' | 'createJwtCredential' | 'getJwtCredential' | 'listJwtCredentials' | 'deleteJwtCredential'
>;

/**
 * Marks the consumers and credentials this service made. Kong may hold
 * others (an operator's, another service's): those are never bound to an
 * account, and never changed or deleted. Not decK's select tag, so a
 * `deck gateway sync` of kong.yml leaves them alone too.
 */
export const OWNER_TAG = 'kong-lambda-auth:account';

/**
 * Each account's Kong consumer and the HS256 JWT credential its access
 * tokens are signed with (the 000/002 design): made at signup, repaired at
 * signin, rotated to cut off every access token at once.
 */
export class KongCredentials {
  constructor(
    private readonly admin: KongAdmin,
    private readonly accounts: Accounts,
  ) {}

  /**
   * A new JWT credential for the user's consumer (creating the consumer if
   * needed). A consumer this service did not make is refused as a taken name.
   */
  async provision(username: string): Promise<GatewayCredential> {
    const consumer = await this.admin.ensureConsumer(username, [OWNER_TAG]);
    // Same answer as a taken name: that name belongs to someone else at Kong.
    if (!consumer.tags?.includes(OWNER_TAG)) throw usernameTaken();
    const credential = await this.admin.createJwtCredential(consumer.id, [OWNER_TAG]);
    return { consumerId: consumer.id, credentialId: credential.id, key: credential.key, secret: credential.secret };
  }

  /**
   * Deletes every other credential this service made for the consumer:
   * ones a failed or losing signup left, whose secrets were never handed
   * out, so that nobody holds a second key to it. Others' stay.
   */
  async keepOnly(credential: GatewayCredential): Promise<void> {
    for (const other of await this.admin.listJwtCredentials(credential.consumerId)) {
      if (other.id !== credential.credentialId && other.tags?.includes(OWNER_TAG)) {
        await this.admin.deleteJwtCredential(credential.consumerId, other.id);
      }
    }
  }

  /** Deletes a credential this service made but did not use. */
  async discard(credential: GatewayCredential): Promise<void> {
    await this.admin.deleteJwtCredential(credential.consumerId, credential.credentialId);
  }

  /**
   * Makes sure Kong still has the credential the account's tokens are signed
   * with, re-creating it (and the consumer) if Kong lost them.
   */
  async ensure(account: ActiveAccount): Promise<ActiveAccount> {
    const { consumerId, key, secret } = account.credential;
    const credential = await this.admin.getJwtCredential(consumerId, key);
    if (credential?.secret === secret) return account;
    log.warn('kong credential missing: re-creating it', { username: account.username });
    return this.replace(account);
  }

  /**
   * Replaces the account's credential so that Kong itself refuses every access
   * token issued before. The old one goes first: if a later step fails, the
   * account is left with a credential Kong lost, which the next signin repairs.
   */
  async rotate(account: ActiveAccount): Promise<ActiveAccount> {
    await this.admin.deleteJwtCredential(account.credential.consumerId, account.credential.credentialId);
    return this.replace(account);
  }

  /** A new credential, stored; if a concurrent request stored one first, ours is dropped and theirs is used. */
  private async replace(account: ActiveAccount): Promise<ActiveAccount> {
    const credential = await this.provision(account.username);
    const result = await this.accounts.replaceCredential(account, credential);
    if (!result.stored) await this.discard(credential);
    return result.account;
  }
}
