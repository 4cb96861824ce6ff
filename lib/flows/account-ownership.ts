import type { ActiveAccount } from '../accounts/account';
import type { PasswordAccounts } from '../accounts/password-accounts';
import type { Client } from '../platform/http';
import { securityEvent } from '../platform/security-events';
import type { Profiles } from '../profiles/profiles';
import type { Protection } from '../protection/protection';
import type { TokenSessions } from '../token-sessions/token-sessions';
import { noFactors, type EnrolledFactors } from './account-admin';
import type { ErasureResult } from './account-erasure';
import type { SecondFactorChanges, StepUpCaller } from './second-factors';

export interface AccountExportDeps {
  tokenSessions: Pick<TokenSessions, 'list'>;
  profiles: Pick<Profiles, 'find'>;
  enrolledFactors?: EnrolledFactors;
}

export interface AccountDeletionDeps {
  protection: Pick<Protection, 'attempt'>;
  passwordAccounts: Pick<PasswordAccounts, 'checkPassword'>;
  eraseAccount: (username: string, expected?: { id: string }) => Promise<ErasureResult>;
  /** A second factor, when the account has one (a code, or a recent one in the session). */
  stepUp: SecondFactorChanges['stepUp'];
}

/**
 * What users own (GDPR art. 15 and 20: access and portability; art. 17:
 * erasure): everything the service holds about them in one JSON document, and
 * their account's deletion, as complete as an operator's.
 */
export function accountOwnershipFlow(deps: AccountExportDeps & AccountDeletionDeps) {
  return { ...accountExportFlow(deps), ...accountDeletionFlow(deps) };
}

/** The export alone: no hasher, no Kong client in its bundle. */
export function accountExportFlow({ tokenSessions, profiles, enrolledFactors = noFactors }: AccountExportDeps) {
  return {
    /** Never a hash, a secret, a token or a credential: only what identifies and describes the user and their sessions. */
    async exportData(account: ActiveAccount, sessionId?: string) {
      const [sessions, profile, factors] = await Promise.all([
        tokenSessions.list({ accountId: account.id, username: account.username, sessionId }),
        profiles.find({ accountId: account.id, username: account.username }),
        enrolledFactors(account),
      ]);
      securityEvent('account_exported', { username: account.username, reason: 'user_request' });
      return {
        exported_at: new Date().toISOString(),
        account: {
          id: account.id,
          username: account.username,
          email: account.email ?? null,
          first_name: account.firstName ?? null,
          status: account.status,
          created_at: account.createdAt,
        },
        sessions,
        profile: profile
          ? {
              display_name: profile.displayName,
              bio: profile.bio,
              location: profile.location,
              website: profile.website,
              created_at: profile.createdAt,
              updated_at: profile.updatedAt,
            }
          : null,
        factors,
        // Security events are log lines (CloudWatch Logs), not stored by the service: docs/admin.md.
        security_events: null,
      };
    },
  };
}

/** The user's own deletion: the password check (bcryptjs) and the erasure (axios). */
export function accountDeletionFlow({ protection, passwordAccounts, eraseAccount, stepUp }: AccountDeletionDeps) {
  return {

    /**
     * The caller's own account goes, after their password is checked as an
     * attempt on sign-in's count (a wrong one: 403, counted, as a password
     * change's is), and, when the account has a second factor, a current code
     * or a recent second factor in the session (403 mfa_required otherwise).
     */
    async deleteOwn(caller: StepUpCaller, confirmation: { password: string; code?: string; recovery_code?: string }, client: Client): Promise<void> {
      const { account, claims } = caller;
      await protection.attempt(
        account.username,
        client,
        () => passwordAccounts.checkPassword(account, confirmation.password),
        () => ({ event: 'account_deletion_failed', reason: 'wrong_password' }),
        claims.sid === undefined ? undefined : `session#${claims.sid}`,
      );
      await stepUp(caller, { code: confirmation.code, recovery_code: confirmation.recovery_code }, client);
      await eraseAccount(account.username, account);
      securityEvent('account_deleted', { username: account.username, reason: 'user_request' });
    },
  };
}
