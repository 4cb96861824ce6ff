import { AppError } from '../platform/errors';
import { securityEvent } from '../platform/security-events';
import type { PasskeyStore } from './store';
import type { Passkey, PasskeyView } from './types';

export const MAX_NAME = 64;

export const viewOf = (passkey: Passkey): PasskeyView => ({
  id: passkey.credentialId,
  name: passkey.name,
  created_at: new Date(passkey.createdAt * 1000).toISOString(),
  last_used_at: passkey.lastUsedAt ? new Date(passkey.lastUsedAt * 1000).toISOString() : null,
  synced: passkey.backedUp,
});

export function cleanName(name: string | undefined): string | undefined {
  // Control characters would only garble the page and the logs.
  const cleaned = name?.replace(/[\p{Cc}\p{Cf}]/gu, '').trim();
  return cleaned && cleaned.length <= MAX_NAME ? cleaned : undefined;
}

/**
 * An account's passkeys as their owner manages them: list, count, rename,
 * remove, all by the owner's account id. Kept apart from Passkeys (the
 * ceremonies) because @simplewebauthn/server has one entry only, and it
 * brings every verifier (its X.509 and ASN.1 parsers, ~600 kB) into any
 * bundle that imports it: the functions that only list, rename or remove
 * (and the security page) need none of it (issue 27). This module must not
 * import the library, not even for a value (a type import is erased);
 * test/deploy/package.test.ts checks which bundles carry it.
 */
export class PasskeyManagement {
  constructor(
    protected readonly store: PasskeyStore,
    protected readonly clock: () => number = Date.now,
  ) {}

  async list(accountId: string): Promise<PasskeyView[]> {
    return (await this.store.list(accountId)).map(viewOf);
  }

  async count(accountId: string): Promise<number> {
    return (await this.store.list(accountId)).length;
  }

  async rename(accountId: string, credentialId: string, name: string): Promise<void> {
    const cleaned = cleanName(name);
    if (!cleaned) throw new AppError('invalid_request', `A name of 1 to ${MAX_NAME} characters`);
    if (!(await this.store.rename(accountId, credentialId, cleaned))) throw new AppError('not_found');
  }

  async remove(account: { id: string; username: string }, credentialId: string): Promise<void> {
    if (!(await this.store.remove(account.id, credentialId))) throw new AppError('not_found');
    securityEvent('second_factor_removed', { username: account.username, reason: 'passkey' });
  }
}
