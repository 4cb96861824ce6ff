import type { EmailClaim, EmailOwner, RecoveryStore, TokenKind, TokenRecord } from '../../../lib/recovery/store';
import type { MemoryAccountStore } from './memory-stores';

/** lib/recovery's store in memory, over the unit tests' account store (the address lives on the account, as on the users table). */
export class MemoryRecoveryStore implements RecoveryStore {
  readonly tokens = new Map<string, TokenRecord>();
  readonly decoys = new Set<string>();
  readonly owners = new Map<string, EmailOwner>();
  readonly counts = new Map<string, number>();

  constructor(private readonly accounts: MemoryAccountStore) {}

  async putToken(hash: string, record: TokenRecord) {
    this.tokens.set(`${record.kind}#${hash}`, { ...record });
  }
  async putDecoy(hash: string) {
    this.decoys.add(hash);
  }
  async getToken(kind: TokenKind, hash: string) {
    const record = this.tokens.get(`${kind}#${hash}`);
    return record && { ...record };
  }
  async consumeToken(kind: TokenKind, hash: string) {
    return this.tokens.delete(`${kind}#${hash}`);
  }
  async countThisHour(scope: string, now: number) {
    const key = `${scope}#${Math.floor(now / 3600)}`;
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count;
  }
  async emailOwner(address: string) {
    return this.owners.get(address);
  }
  async claimEmail(owner: EmailOwner, address: string, previous?: string, verified = false): Promise<EmailClaim> {
    const holder = this.owners.get(address);
    if (holder && holder.accountId !== owner.accountId) return 'taken';
    const account = this.accounts.accounts.get(owner.username);
    if (!account || (previous !== undefined && account.email !== previous)) throw new Error('condition failed');
    this.owners.set(address, owner);
    if (previous && previous !== address) this.owners.delete(previous);
    Object.assign(account, { email: address, emailVerified: verified });
    return 'claimed';
  }
  async markVerified(username: string, address: string) {
    const account = this.accounts.accounts.get(username);
    if (account?.email !== address) return false;
    account.emailVerified = true;
    return true;
  }
  async eraseRecoveryData(owner: EmailOwner, address?: string) {
    for (const [id, record] of this.tokens) if (record.accountId === owner.accountId) this.tokens.delete(id);
    if (address && this.owners.get(address)?.accountId === owner.accountId) this.owners.delete(address);
  }
}
