import type { Account } from '../accounts/account';
import type { Accounts } from '../accounts/accounts';
import type { KongCredentials } from '../kong/credentials';
import { AppError } from '../platform/errors';
import { securityEvent } from '../platform/security-events';
import type { TokenSessionView } from '../token-sessions/token-session';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { ErasureResult } from './account-erasure';
import type { EnrolledFactor } from '../second-factors/enrolled';

/** Who acts: the Kong consumer that Kong's key-auth authenticated (X-Consumer-Username / X-Consumer-ID). */
export interface Operator {
  consumer: string;
  consumerId: string;
}

/**
 * A second factor as the admin API and the export show it: its kind and
 * when it was added, never its secret. The second-factor capability (#25)
 * provides `enrolledFactors`; until then every account has none.
 */
export type { EnrolledFactor };
export type EnrolledFactors = (account: Pick<Account, 'id' | 'username'>) => Promise<EnrolledFactor[]>;
export const noFactors: EnrolledFactors = async () => [];

export interface AccountAdminDeps {
  accounts: Pick<Accounts, 'get' | 'setStatus' | 'search'>;
  tokenSessions: Pick<TokenSessions, 'list' | 'endAll'>;
  kongCredentials: Pick<KongCredentials, 'revokeAll'>;
  eraseAccount: (username: string) => Promise<ErasureResult>;
  enrolledFactors?: EnrolledFactors;
}

/** An account as an operator sees it in a search: identifying fields and status, never a hash, secret or credential. */
export const accountSummary = (account: Account) => ({
  username: account.username,
  email: account.email ?? null,
  first_name: account.firstName ?? null,
  status: account.status,
  created_at: account.createdAt,
});

const userNotFound = () => new AppError('user_not_found');

/** Accounts an operator may act on: pending claims and erasures under way are not users yet, or any more. */
const listed = (account: Account | undefined): account is Account => account?.status === 'active' || account?.status === 'disabled';

/** The most recent sign-in still on record: the newest live session's start (sessions are the only record of sign-ins). */
const lastSignIn = (sessions: TokenSessionView[]) => sessions.reduce<string | null>((latest, s) => (s.created_at && (!latest || s.created_at > latest) ? s.created_at : latest), null);

/** Looks up an account an operator may act on, or 404 user_not_found. */
const finder = (accounts: AccountAdminDeps['accounts']) =>
  async function find(username: string): Promise<Account> {
    const account = await accounts.get(username);
    if (!listed(account)) throw userNotFound();
    return account;
  };

const audit = (operator: Operator) => ({ operator: operator.consumer, operatorId: operator.consumerId });

/** What the operators' actions on the account and session records alone need: no Kong, no erasure. */
export type AccountRecordsAdminDeps = Omit<AccountAdminDeps, 'kongCredentials' | 'eraseAccount'>;

/**
 * The operators' actions that touch only the users and tokens tables: find
 * users, see one, list their sessions, enable. Apart from the rest so that
 * their functions do not bundle the Kong Admin client (axios) nor the erasure
 * (issue 27: every bundle under 150 kB). Every action is a security event
 * naming the operator's Kong consumer; log.ts adds the request ids.
 */
export function accountRecordsAdminFlow({ accounts, tokenSessions, enrolledFactors = noFactors }: AccountRecordsAdminDeps) {
  const find = finder(accounts);

  return {
    async search(operator: Operator, prefix: string, limit: number, cursor?: string) {
      const page = await accounts.search(prefix, limit, cursor);
      securityEvent('admin_users_searched', { ...audit(operator), query: prefix, found: page.accounts.length });
      return { users: page.accounts.filter(listed).map(accountSummary), next_cursor: page.cursor ?? null };
    },

    async details(operator: Operator, username: string) {
      const account = await find(username);
      const [sessions, factors] = await Promise.all([tokenSessions.list({ accountId: account.id, username }), enrolledFactors(account)]);
      securityEvent('admin_user_viewed', { ...audit(operator), username });
      return { ...accountSummary(account), last_sign_in_at: lastSignIn(sessions), factors, session_count: sessions.length };
    },

    async sessions(operator: Operator, username: string) {
      const account = await find(username);
      const sessions = await tokenSessions.list({ accountId: account.id, username });
      securityEvent('admin_sessions_listed', { ...audit(operator), username });
      return sessions.map(({ current: _none, ...session }) => session);
    },

    /** Active again; the user signs in anew, and that signin makes new Kong credentials. */
    async enable(operator: Operator, username: string) {
      const account = await find(username);
      const enabled = await accounts.setStatus(account, 'active');
      if (!enabled) throw userNotFound();
      securityEvent('admin_account_enabled', { ...audit(operator), username });
      return accountSummary(enabled);
    },
  };
}

/**
 * The operators' API (docs/admin.md): the record actions above, and those
 * that reach Kong or erase: disable, sign out, delete.
 */
export function accountAdminFlow({ accounts, tokenSessions, kongCredentials, eraseAccount, enrolledFactors = noFactors }: AccountAdminDeps) {
  const find = finder(accounts);
  const records = accountRecordsAdminFlow({ accounts, tokenSessions, enrolledFactors });

  return {
    ...records,

    /**
     * Disabled first (no new signin gets through), then every session ends
     * (the epoch), then Kong's credentials go (live access tokens refused at
     * the gateway). A failure midway leaves the account disabled: a retry
     * (idempotent) finishes the rest.
     */
    async disable(operator: Operator, username: string) {
      const account = await find(username);
      const disabled = await accounts.setStatus(account, 'disabled');
      if (!disabled) throw userNotFound();
      await tokenSessions.endAll(username);
      await kongCredentials.revokeAll(disabled);
      securityEvent('admin_account_disabled', { ...audit(operator), username });
      return accountSummary(disabled);
    },

    async signOut(operator: Operator, username: string) {
      const account = await find(username);
      await tokenSessions.endAll(username);
      // Kong refuses their access tokens too; the next signin makes new credentials.
      await kongCredentials.revokeAll(account);
      securityEvent('admin_signed_out', { ...audit(operator), username });
    },

    /** Idempotent: an account already gone (or never there) is the same 204. */
    async remove(operator: Operator, username: string) {
      const result = await eraseAccount(username);
      securityEvent('admin_account_deleted', { ...audit(operator), username, result });
      return result;
    },
  };
}

export type AccountAdmin = ReturnType<typeof accountAdminFlow>;
