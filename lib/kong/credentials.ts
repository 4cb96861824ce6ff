import type { Accounts } from '../accounts/accounts';
import type { ActiveAccount, GatewayCredential } from '../accounts/account';
import { log } from '../platform/log';
import type { KongAdminClient } from './admin-client';

/** What this capability needs of the Admin API; an in-memory fake in unit tests. */
export type KongAdmin = Pick<
  KongAdminClient,
  'ensureConsumer' | 'createJwtCredential' | 'getJwtCredential' | 'listJwtCredentials' | 'deleteJwtCredential'
>;

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
   * A JWT credential for the user's consumer (creating the consumer if
   * needed). With `removeOthers`, credentials left by an earlier failed signup
   * go first: their secrets were never handed out, and nobody should hold a
   * second key to this consumer.
   */
  async provision(username: string, removeOthers: boolean): Promise<GatewayCredential> {
    const consumer = await this.admin.ensureConsumer(username);
    if (removeOthers) {
      for (const stale of await this.admin.listJwtCredentials(consumer.id)) {
        await this.admin.deleteJwtCredential(consumer.id, stale.id);
      }
    }
    const credential = await this.admin.createJwtCredential(consumer.id);
    return { consumerId: consumer.id, credentialId: credential.id, key: credential.key, secret: credential.secret };
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
    const credential = await this.provision(account.username, false);
    const result = await this.accounts.replaceCredential(account, credential);
    if (!result.stored) await this.admin.deleteJwtCredential(credential.consumerId, credential.credentialId);
    return result.account;
  }
}
