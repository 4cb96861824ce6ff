import type { Account } from '../accounts/account';
import type { Accounts } from '../accounts/accounts';
import type { BrowserSessions } from '../browser-sessions/browser-sessions';
import type { KongCredentials } from '../kong/credentials';
import { log } from '../platform/log';
import type { Profiles } from '../profiles/profiles';
import type { Protection } from '../protection/protection';
import type { TokenSessions } from '../token-sessions/token-sessions';

/** Whose data an erasure deletes: read from the account item, which stays until every eraser has run. */
export interface ErasureSubject {
  accountId: string;
  username: string;
  /** The Kong consumer the account recorded, if it got that far. */
  consumerId?: string;
  email?: string;
}

/**
 * One capability's part of an account erasure. Each must be idempotent
 * (erasing what is already gone is success) and delete only what belongs to
 * this very account (its id; its name only where the id is not stored), never
 * a later account of the same name.
 */
export interface Eraser {
  readonly name: string;
  erase(subject: ErasureSubject): Promise<void>;
}

export interface AccountErasureDeps {
  accounts: Pick<Accounts, 'get' | 'markDeleting' | 'remove'>;
  /** In order: each runs after the ones before it succeeded. */
  erasers: readonly Eraser[];
}

export type ErasureResult = 'erased' | 'absent';

/**
 * Deletes everything held about an account (GDPR art. 17), as one flow that a
 * retry finishes. The order is what makes that so:
 *
 * 1. The account is marked `deleting` first. From then on nothing signs in
 *    (only `active` accounts do), refresh and every protected route refuse it,
 *    and the name stays taken, so no new account can take it while items of
 *    the old one still exist.
 * 2. The erasers run, in order: the Kong consumer first (live access tokens are
 *    refused at the gateway at once), then the sign-out epoch is raised (every
 *    session is over even before its items go), then the items of each
 *    capability, the epoch itself last of the tokens table.
 * 3. The account item goes last. It is the erasure's handle: it holds the id
 *    and consumer the erasers find the rest by. Deleting it first would leave
 *    dependents that nothing can find again if a step failed, and would free
 *    the name for someone new while the old user's sessions still existed.
 *
 * A failure anywhere leaves the account `deleting` (refused everywhere) and
 * answers 503; running the erasure again (the same request) runs every eraser
 * again, each idempotent, and finishes. Once the account item is gone the
 * erasure is complete, so a repeat answers `absent`, which callers treat as
 * done (DELETE is idempotent).
 *
 * Capabilities added later contribute their eraser to the list in
 * lib/composition/account-erasure.ts (second factors, recovery and
 * verification tokens, OAuth consents), before `accountItem`.
 */
export function accountErasureFlow({ accounts, erasers }: AccountErasureDeps) {
  return async function eraseAccount(username: string, expected?: Pick<Account, 'id'>): Promise<ErasureResult> {
    const account = await accounts.get(username);
    // A later account of the name is not the one asked about: nothing to do.
    if (!account || (expected && account.id !== expected.id)) return 'absent';
    const marked = await accounts.markDeleting(account);
    if (!marked) return 'absent';
    const subject: ErasureSubject = { accountId: marked.id, username: marked.username, consumerId: marked.credential?.consumerId, email: marked.email };
    for (const eraser of erasers) {
      await eraser.erase(subject);
      log.debug('eraser done', { username, eraser: eraser.name });
    }
    await accounts.remove(marked);
    log.info('account erased', { username, erasers: erasers.map((eraser) => eraser.name) });
    return 'erased';
  };
}

/** What the erasers of this service's own capabilities need. */
export interface ErasersDeps {
  kongCredentials: Pick<KongCredentials, 'removeConsumer'>;
  tokenSessions: Pick<TokenSessions, 'endAll' | 'erase' | 'eraseEpoch'>;
  browserSessions: Pick<BrowserSessions, 'erase'>;
  profiles: Pick<Profiles, 'erase'>;
  protection: Pick<Protection, 'forget'>;
}

/**
 * The erasers of the capabilities on main, in the order they must run
 * (accountErasureFlow says why). Later capabilities append theirs:
 * - second factors (#25): every enrolled factor and its secrets;
 * - recovery and email verification (#24): pending tokens of the account;
 * - OAuth (#23): consents and authorization codes the user granted.
 */
export function coreErasers({ kongCredentials, tokenSessions, browserSessions, profiles, protection }: ErasersDeps): Eraser[] {
  return [
    { name: 'kong-consumer', erase: (s) => kongCredentials.removeConsumer(s.username, s.consumerId) },
    { name: 'end-sessions', erase: (s) => tokenSessions.endAll(s.username) },
    { name: 'token-sessions', erase: (s) => tokenSessions.erase({ id: s.accountId, username: s.username }) },
    { name: 'browser-sessions', erase: (s) => browserSessions.erase({ id: s.accountId, username: s.username }) },
    { name: 'profile', erase: (s) => profiles.erase(s.accountId) },
    { name: 'attempt-counters', erase: (s) => protection.forget(s.username) },
    // After every session item of the name: an epoch reset to 0 then revives nothing.
    { name: 'sign-out-epoch', erase: (s) => tokenSessions.eraseEpoch(s.username) },
  ];
}
