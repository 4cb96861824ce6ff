import { accountDisabled, isActive, type Account, type ActiveAccount } from '../accounts/account';
import type { PasswordAccounts } from '../accounts/password-accounts';
import type { PasswordPolicy } from '../accounts/password-policy';
import type { KongCredentials } from '../kong/credentials';
import { templates, type MailContext, type Mailer } from '../mail';
import { nowSeconds } from '../platform/clock';
import { AppError } from '../platform/errors';
import type { Client } from '../platform/http';
import { securityEvent } from '../platform/security-events';
import { newToken, passwordFingerprint, TOKEN_PATTERN, tokenHash } from '../recovery/tokens';
import type { RecoveryStore } from '../recovery/store';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { TokenSubjects } from './subject';

/**
 * Account recovery and verified email (docs/recovery.md), after OWASP's
 * Forgot Password cheat sheet: one answer whether the account exists, links
 * built from the configured URL only, single-use hashed tokens bound to the
 * account (and for resets to its current password), every session ended
 * after a reset, and a notice to the address.
 */
export interface RecoveryLimits {
  passwordResetTtlSeconds: number;
  emailVerificationTtlSeconds: number;
  mailsPerAccountPerHour: number;
  requestsPerAddressPerHour: number;
}

export interface RecoveryDeps {
  store: RecoveryStore;
  accounts: { get(username: string): Promise<Account | undefined> };
  mailer: Mailer;
  mail: MailContext;
  limits: RecoveryLimits;
  /** Forgot-password answers take at least this long, known account or not (the mail is the slow part of only one path). */
  minimumForgotMs: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ResetDeps extends RecoveryDeps {
  passwordPolicy: Pick<PasswordPolicy, 'check'>;
  passwordAccounts: Pick<PasswordAccounts, 'setPassword'>;
  tokenSessions: Pick<TokenSessions, 'endAll'>;
  kongCredentials: Pick<KongCredentials, 'rotate'>;
  subjects: Pick<TokenSubjects, 'currentKey'>;
}

/** The one answer of forgot-password and resend, whatever happened. */
export const RECOVERY_ACCEPTED = {
  status: 'accepted',
  message: 'If an account matches, a mail is on its way. Check your inbox.',
} as const;

const invalidResetToken = (reason: string) => {
  securityEvent('recovery_token_refused', { reason: `reset_${reason}` });
  return new AppError('invalid_reset_token', undefined, { cause: reason });
};
const invalidVerificationToken = (reason: string) => {
  securityEvent('recovery_token_refused', { reason: `verify_${reason}` });
  return new AppError('invalid_verification_token', undefined, { cause: reason });
};

const ownerOf = (account: Account) => ({ username: account.username, accountId: account.id });
const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Counts a request on the client's address and on the account (or on a stand-in, the same work either way): false when either is over. */
async function withinLimits(deps: RecoveryDeps, client: Client, accountScope: string): Promise<boolean> {
  const now = nowSeconds();
  const [byAddress, byAccount] = await Promise.all([
    deps.store.countThisHour(`address#${client.address ?? 'unknown'}`, now),
    deps.store.countThisHour(`account#${accountScope}`, now),
  ]);
  const ok = byAddress <= deps.limits.requestsPerAddressPerHour && byAccount <= deps.limits.mailsPerAccountPerHour;
  if (!ok) securityEvent('recovery_throttled', { reason: byAddress > deps.limits.requestsPerAddressPerHour ? 'address' : 'account' });
  return ok;
}

/** Sends an address its verification link. */
async function sendVerification(deps: RecoveryDeps, account: Account, address: string): Promise<void> {
  const token = newToken();
  await deps.store.putToken(tokenHash(token), {
    kind: 'verify',
    ...ownerOf(account),
    email: address,
    expiresAt: nowSeconds() + deps.limits.emailVerificationTtlSeconds,
  });
  await deps.mailer.send(address, templates.verifyEmail(deps.mail, token, Math.round(deps.limits.emailVerificationTtlSeconds / 3600)), 'verify_email');
}

/** What verifying an address needs: no mailer (the email-verify function sends nothing, so bundles none). */
export type VerifyEmailDeps = Pick<RecoveryDeps, 'store' | 'accounts'>;

/** POST /api/public/email/verify: the account's address (or the one it is changing to) marked verified. */
export function verifyEmailFlow({ store, accounts }: VerifyEmailDeps) {
  return async function verifyEmail(token: string): Promise<{ username: string; email: string; email_verified: true }> {
    if (!TOKEN_PATTERN.test(token)) throw invalidVerificationToken('malformed');
    const hash = tokenHash(token);
    const record = await store.getToken('verify', hash);
    if (!record || !record.email) throw invalidVerificationToken('unknown');
    if (record.expiresAt <= nowSeconds()) throw invalidVerificationToken('expired');
    const account = await accounts.get(record.username);
    if (!isActive(account) || account.id !== record.accountId) throw invalidVerificationToken('account_gone');
    if (!(await store.consumeToken('verify', hash, record.accountId))) throw invalidVerificationToken('used');
    const address = record.email;
    if (account.email === address) {
      if (!(await store.markVerified(account.username, address))) throw invalidVerificationToken('address_changed');
    } else {
      // A change of address: only now does the new one replace the old.
      const claim = await store.claimEmail(ownerOf(account), address, account.email, true);
      if (claim === 'taken') throw invalidVerificationToken('address_taken');
    }
    securityEvent('email_verified', { username: account.username });
    return { username: account.username, email: address, email_verified: true };
  };
}

export function recoveryFlows(deps: RecoveryDeps) {
  const { store, accounts, mailer, mail } = deps;
  const sleep = deps.sleep ?? defaultSleep;

  /** The account an address or a name points at, if it is active and has an address to write to. */
  async function findAccount(request: { username?: string; email?: string }): Promise<ActiveAccount | undefined> {
    const username = request.email ? (await store.emailOwner(request.email))?.username : request.username;
    const account = username ? await accounts.get(username) : undefined;
    if (!isActive(account) || !account.email) return undefined;
    // By address: only the account that holds it now (the uniqueness item and the account agree).
    if (request.email && account.email !== request.email) return undefined;
    return account;
  }

  return {
    /**
     * POST /api/public/password/forgot: the same 202, in about the same time,
     * for every request. Both paths count the same limits, draw a token and
     * write it (a decoy for no account); only the mail differs, and the answer
     * waits out `minimumForgotMs` so that it does not show.
     */
    async forgotPassword(request: { username?: string; email?: string }, client: Client): Promise<typeof RECOVERY_ACCEPTED> {
      const started = Date.now();
      const account = await findAccount(request);
      const allowed = await withinLimits(deps, client, account?.username ?? '#none');
      const token = newToken();
      const expiresAt = nowSeconds() + deps.limits.passwordResetTtlSeconds;
      if (account && allowed) {
        await store.putToken(tokenHash(token), {
          kind: 'reset',
          ...ownerOf(account),
          passwordFingerprint: passwordFingerprint(account.passwordHash),
          expiresAt,
        });
        await mailer.send(account.email!, templates.passwordReset(mail, token, Math.round(deps.limits.passwordResetTtlSeconds / 60)), 'password_reset');
      } else {
        await store.putDecoy(tokenHash(token), expiresAt);
      }
      securityEvent('password_reset_requested', {
        ...(account ? { username: account.username } : {}),
        reason: !account ? 'no_account' : allowed ? 'sent' : 'throttled',
      });
      const left = deps.minimumForgotMs - (Date.now() - started);
      if (left > 0) await sleep(left);
      return RECOVERY_ACCEPTED;
    },

    /**
     * Registration and token sign-up with an address: claims it for the account
     * and mails a verification link. An address another account holds is not
     * given, and its owner is told instead; the caller's answer is the same.
     */
    async claimAddress(account: Account, address: string): Promise<void> {
      if ((await store.claimEmail(ownerOf(account), address)) === 'claimed') {
        await sendVerification(deps, account, address);
        return;
      }
      securityEvent('email_in_use', { username: account.username, reason: 'signup' });
      await mailer.send(address, templates.emailInUse(mail), 'email_in_use');
    },

    verifyEmail: verifyEmailFlow(deps),

    /** POST /api/public/email/resend: a new verification link for an unverified address; the same 202 whatever. */
    async resendVerification(request: { username?: string; email?: string }, client: Client): Promise<typeof RECOVERY_ACCEPTED> {
      const started = Date.now();
      const account = await findAccount(request);
      const allowed = await withinLimits(deps, client, account?.username ?? '#none');
      if (account && allowed && !account.emailVerified) await sendVerification(deps, account, account.email!);
      const left = deps.minimumForgotMs - (Date.now() - started);
      if (left > 0) await sleep(left);
      return RECOVERY_ACCEPTED;
    },

    /**
     * Change of address (the caller's password already checked): a link to
     * the new address, a notice to the old; the old stays until the link is used.
     */
    async requestEmailChange(account: ActiveAccount, address: string, client: Client): Promise<typeof RECOVERY_ACCEPTED> {
      if (!(await withinLimits(deps, client, account.username))) return RECOVERY_ACCEPTED;
      const holder = await store.emailOwner(address);
      if (holder && holder.accountId !== account.id) {
        securityEvent('email_in_use', { username: account.username, reason: 'change' });
        await mailer.send(address, templates.emailInUse(mail), 'email_in_use');
        return RECOVERY_ACCEPTED;
      }
      await sendVerification(deps, account, address);
      if (account.email && account.email !== address) await mailer.send(account.email, templates.emailChangeRequested(mail), 'email_change_notice');
      return RECOVERY_ACCEPTED;
    },

    /** Erases an account's recovery data: its pending links and its address's uniqueness item (account deletion). */
    eraseRecoveryData: (account: Account) => store.eraseRecoveryData(ownerOf(account), account.email),
  };
}

/**
 * POST /api/public/password/reset: a new password for the account the token
 * was issued for, if its password has not changed since. The rules first
 * (a refused password leaves the token usable), then the token is spent, then
 * every session ends as sign-out everywhere ends them, then the password
 * changes; a notice goes to the address. Nobody is signed in.
 */
export function passwordResetFlow(deps: ResetDeps) {
  const { store, accounts, mailer, mail, passwordPolicy, passwordAccounts, tokenSessions, kongCredentials, subjects } = deps;
  return async function resetPassword(token: string, newPassword: string): Promise<{ status: 'password_reset' }> {
    if (!TOKEN_PATTERN.test(token)) throw invalidResetToken('malformed');
    const hash = tokenHash(token);
    const record = await store.getToken('reset', hash);
    if (!record) throw invalidResetToken('unknown');
    if (record.expiresAt <= nowSeconds()) throw invalidResetToken('expired');
    const account = await accounts.get(record.username);
    // A link mailed before an operator disabled the account: its holder is told why, as at sign-in.
    if (account?.status === 'disabled' && account.id === record.accountId) throw accountDisabled();
    if (!isActive(account) || account.id !== record.accountId) throw invalidResetToken('unknown');
    if (passwordFingerprint(account.passwordHash) !== record.passwordFingerprint) throw invalidResetToken('password_changed');
    await passwordPolicy.check(newPassword, account.username, 'new_password');
    if (!(await store.consumeToken('reset', hash, record.accountId))) throw invalidResetToken('used');
    // As a password change: sessions end first, so a failure after leaves no session of the old password alive.
    await tokenSessions.endAll(account.username);
    const updated = await passwordAccounts.setPassword(account, newPassword);
    await kongCredentials.rotate(updated, await subjects.currentKey());
    securityEvent('password_reset', { username: account.username });
    if (account.email) await mailer.send(account.email, templates.passwordChanged(mail), 'password_changed');
    return { status: 'password_reset' };
  };
}
