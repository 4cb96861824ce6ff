import { createHash, randomBytes } from 'node:crypto';
import type { PasskeyStore } from '../passkeys/store';
import { AppError } from '../platform/errors';
import { securityEvent } from '../platform/security-events';
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from './recovery-codes';
import type { SecretBox } from './secret-box';
import type { SecondFactorStore } from './store';
import { matchingStep, newTotpSecret, otpauthUri } from './totp';
import { invalidCode, invalidMfaToken, type PendingSignIn, type SecondFactorMethod } from './types';

export interface SecondFactorSettings {
  /** The issuer authenticator apps show beside the account (MFA_ISSUER). */
  issuer: string;
  /** How long an mfa_token lasts (MFA_TOKEN_TTL_SECONDS). */
  pendingSignInSeconds: number;
  /** Wrong codes one mfa_token allows before it is spent; each also counts in the account's backoff. */
  maxCodeFailures: number;
}

/** A second factor as presented: a TOTP code or a recovery code. */
export interface PresentedCode {
  code?: string;
  recovery_code?: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url');

/**
 * TOTP (RFC 6238) and recovery codes for an account, and the sign-ins
 * waiting for them. Secrets go through the SecretBox before the store sees
 * them; codes are checked here, once each: a TOTP time step is used at most
 * once per account, a recovery code once, a pending sign-in completes once.
 */
export class SecondFactors {
  constructor(
    private readonly store: SecondFactorStore,
    private readonly box: SecretBox,
    private readonly settings: SecondFactorSettings,
    private readonly clock: () => number = Date.now,
    /** The account's passkeys (lib/passkeys), so that `methods` names them too: a passkey is a second factor. */
    private readonly passkeys?: Pick<PasskeyStore, 'list'>,
  ) {}

  private nowSeconds() {
    return Math.floor(this.clock() / 1000);
  }

  /** What the account can complete a sign-in with; empty when it has no second factor. */
  async methods(accountId: string): Promise<SecondFactorMethod[]> {
    const [totp, codes, passkeys] = await Promise.all([
      this.store.getTotp(accountId),
      this.store.recoveryCodeCount(accountId),
      this.passkeys ? this.passkeys.list(accountId) : [],
    ]);
    const methods: SecondFactorMethod[] = [];
    if (totp?.confirmed) methods.push('totp');
    // Recovery codes recover a factor: alone (its factors removed) they are none.
    if (codes > 0 && (totp?.confirmed || passkeys.length > 0)) methods.push('recovery_code');
    if (passkeys.length > 0) methods.push('passkey');
    return methods;
  }

  /** Whether the account has a factor recovery codes stand in for: TOTP on, or a passkey. */
  private async hasFactor(accountId: string): Promise<boolean> {
    const totp = await this.store.getTotp(accountId);
    if (totp?.confirmed) return true;
    return this.passkeys ? (await this.passkeys.list(accountId)).length > 0 : false;
  }

  /**
   * Ten recovery codes for an account that has none, the first time it gets a
   * factor other than TOTP (a passkey: losing the only one would otherwise
   * lock the account out, a password reset not lifting the second step);
   * undefined when it has some already (they stay what they were).
   */
  async firstRecoveryCodes(accountId: string, username: string): Promise<string[] | undefined> {
    if ((await this.store.recoveryCodeCount(accountId)) > 0) return undefined;
    const codes = await this.replaceRecoveryCodes(accountId);
    securityEvent('recovery_codes_regenerated', { username, reason: 'first_factor' });
    return codes;
  }

  /** Drops the recovery codes once no factor is left for them to recover (the last passkey removed, TOTP off). */
  async dropRecoveryCodesWithoutFactor(accountId: string): Promise<void> {
    if (!(await this.hasFactor(accountId))) await this.store.deleteRecoveryCodes(accountId);
  }

  /** A new (pending) TOTP secret: on once a code from it is confirmed. 409 while one is on. */
  async startTotp(accountId: string, username: string) {
    const secret = newTotpSecret();
    const sealedSecret = await this.box.seal(secret, accountId);
    if (!(await this.store.putPendingTotp(accountId, { sealedSecret, confirmed: false, createdAt: this.nowSeconds() }))) {
      throw new AppError('totp_enabled');
    }
    return { otpauth_uri: otpauthUri(secret, this.settings.issuer, username), secret };
  }

  /** Turns the pending TOTP on with a code from it; answers the ten recovery codes, the only time they are shown. */
  async confirmTotp(accountId: string, username: string, code: string) {
    const totp = await this.store.getTotp(accountId);
    if (!totp) throw new AppError('not_found', 'No TOTP enrolment to confirm: start one first');
    if (totp.confirmed) throw new AppError('totp_enabled');
    const step = matchingStep(await this.box.open(totp.sealedSecret, accountId), code, this.clock());
    if (step === undefined || !(await this.store.confirmTotp(accountId, totp.sealedSecret, step))) throw invalidCode();
    securityEvent('second_factor_added', { username, reason: 'totp' });
    return { recovery_codes: await this.replaceRecoveryCodes(accountId) };
  }

  /**
   * Checks a TOTP code or a recovery code, spending it: a code's time step
   * can never be used again on this account, a recovery code never again at
   * all. 401 invalid_code otherwise (the caller counts it as a failure).
   */
  async verify(accountId: string, presented: PresentedCode): Promise<'totp' | 'recovery_code'> {
    if (presented.recovery_code !== undefined) {
      const normalized = normalizeRecoveryCode(presented.recovery_code);
      if (!normalized || !(await this.hasFactor(accountId)) || !(await this.store.useRecoveryCode(accountId, hashRecoveryCode(normalized)))) throw invalidCode();
      return 'recovery_code';
    }
    if (presented.code === undefined) throw invalidCode();
    const totp = await this.store.getTotp(accountId);
    if (!totp?.confirmed) throw invalidCode();
    const step = matchingStep(await this.box.open(totp.sealedSecret, accountId), presented.code, this.clock());
    // The conditional write, not the read above, decides: two requests with one code cannot both pass.
    if (step === undefined || !(await this.store.useTotpStep(accountId, step))) throw invalidCode();
    return 'totp';
  }

  /** Turns TOTP off, and drops the recovery codes unless a passkey remains; the caller has checked a code. */
  async disableTotp(accountId: string, username: string) {
    await this.store.deleteTotp(accountId);
    // The codes stay while a passkey remains: they are its way back too.
    await this.dropRecoveryCodesWithoutFactor(accountId);
    securityEvent('second_factor_removed', { username, reason: 'totp' });
  }

  async recoveryCodeCount(accountId: string) {
    return this.store.recoveryCodeCount(accountId);
  }

  /** Ten new recovery codes in place of any left; the caller has checked a code. */
  async regenerateRecoveryCodes(accountId: string, username: string) {
    if (!(await this.hasFactor(accountId))) throw new AppError('not_found', 'No second factor to recover: turn TOTP on or add a passkey first');
    const codes = await this.replaceRecoveryCodes(accountId);
    securityEvent('recovery_codes_regenerated', { username });
    return codes;
  }

  private async replaceRecoveryCodes(accountId: string) {
    const codes = newRecoveryCodes();
    await this.store.setRecoveryCodes(accountId, codes.map((code) => hashRecoveryCode(normalizeRecoveryCode(code)!)));
    return codes;
  }

  /** A right password's sign-in, waiting for its second factor: the mfa_token that stands for it (stored by its hash only). */
  async beginSignIn(account: { id: string; username: string }, amr: string[], lane?: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.store.putPendingSignIn(hashToken(token), {
      accountId: account.id,
      username: account.username,
      lane,
      amr,
      failures: 0,
      expiresAt: this.nowSeconds() + this.settings.pendingSignInSeconds,
    });
    return token;
  }

  /** The pending sign-in an mfa_token stands for; 401 invalid_mfa_token when unknown, spent or expired. */
  async pendingSignIn(token: string): Promise<PendingSignIn> {
    const pending = await this.store.getPendingSignIn(hashToken(token));
    if (!pending || pending.expiresAt <= this.nowSeconds()) throw invalidMfaToken();
    return pending;
  }

  /** A wrong code for it: after `maxCodeFailures` the token is spent, and the password must be given again. */
  async failSignIn(token: string): Promise<void> {
    await this.store.failPendingSignIn(hashToken(token), this.settings.maxCodeFailures);
  }

  /** Completes it, once: a second completion of the same token (a race) is 401. */
  async completeSignIn(token: string): Promise<PendingSignIn> {
    const pending = await this.store.consumePendingSignIn(hashToken(token));
    if (!pending || pending.expiresAt <= this.nowSeconds()) throw invalidMfaToken();
    return pending;
  }

  /** Account deletion: every factor, recovery code and passkey of the account's. */
  async erase(accountId: string): Promise<void> {
    await this.store.erase(accountId);
  }
}
