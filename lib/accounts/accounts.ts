import { credentialRef, invalidCredentials, isActive, type Account, type AccountStatus, type ActiveAccount, type GatewayCredential, type PublicKeyCredentials } from './account';
import type { AccountStore } from './store';

/**
 * Users' accounts as stored: what every function that knows the caller needs.
 * Passwords (and the lifecycle from claim to active, which starts with one)
 * are PasswordAccounts' (password-accounts.ts): only the functions that hash
 * or check a password bundle the hasher.
 */
export class Accounts {
  constructor(protected readonly store: AccountStore) {}

  get(username: string): Promise<Account | undefined> {
    return this.store.get(username);
  }

  /**
   * Stores a new gateway credential in place of the account's current one.
   * If a concurrent request stored one first, ours is not stored and the
   * account as it now is comes back instead, with `stored: false`.
   */
  async replaceCredential(account: ActiveAccount, credential: GatewayCredential) {
    if (await this.store.replaceCredential(account.username, credentialRef(account.credential), credential)) {
      return { account: { ...account, credential }, stored: true };
    }
    return { account: await this.current(account), stored: false };
  }

  /**
   * Records that Kong has credentials for `kids` under the account's issuer.
   * If the issuer changed meanwhile (a logout-all), the account as it now is
   * comes back instead, with `stored: false`.
   */
  async recordKids(account: ActiveAccount & { credential: PublicKeyCredentials }, kids: string[]) {
    const { issuer } = account.credential;
    if (await this.store.recordKids(account.username, issuer, kids)) {
      return { account: { ...account, credential: { ...account.credential, kids } }, stored: true };
    }
    return { account: await this.current(account), stored: false };
  }

  /**
   * An operator's switch: `disabled` from active (or already disabled),
   * `active` from disabled (or already active), for this very account (its
   * id). Undefined if the account is gone, another one, or in another state
   * (pending, deleting).
   */
  setStatus(account: Account, to: 'active' | 'disabled'): Promise<Account | undefined> {
    const from: AccountStatus[] = ['active', 'disabled'];
    return this.store.setStatus(account.username, account.id, from, to);
  }

  /** Erasure's first step: from any state but pending to `deleting` (again, on a retry). */
  markDeleting(account: Account): Promise<Account | undefined> {
    return this.store.setStatus(account.username, account.id, ['active', 'disabled', 'deleting'], 'deleting');
  }

  /** Erasure's last step: the account item goes, if it is still this account. */
  remove(account: Account): Promise<void> {
    return this.store.remove(account.username, account.id);
  }

  /** Accounts whose name or email starts with `prefix`, a page at a time (the store says how). */
  search(prefix: string, limit: number, cursor?: string) {
    return this.store.search(prefix, limit, cursor);
  }

  private async current(account: ActiveAccount): Promise<ActiveAccount> {
    const current = await this.store.get(account.username);
    if (!isActive(current) || current.id !== account.id) throw invalidCredentials();
    return current;
  }
}
