// The second-factor store in memory, with the DynamoDB adapter's conditional semantics.
import type { SecondFactorStore } from '../../../lib/second-factors/store';
import type { PendingSignIn, TotpFactor } from '../../../lib/second-factors/types';
import type { SecretBox } from '../../../lib/second-factors/secret-box';
import { gcmOpen, gcmSeal } from '../../../lib/second-factors/secret-box';
import { randomBytes } from 'node:crypto';

const copy = <T>(value: T): T => structuredClone(value);

export class MemorySecondFactorStore implements SecondFactorStore {
  readonly totp = new Map<string, TotpFactor>();
  readonly recovery = new Map<string, Set<string>>();
  readonly pending = new Map<string, PendingSignIn>();

  async getTotp(accountId: string) {
    const factor = this.totp.get(accountId);
    return factor && copy(factor);
  }
  async putPendingTotp(accountId: string, factor: TotpFactor) {
    if (this.totp.get(accountId)?.confirmed) return false;
    this.totp.set(accountId, { ...copy(factor), confirmed: false });
    return true;
  }
  async confirmTotp(accountId: string, sealedSecret: string, step: number) {
    const factor = this.totp.get(accountId);
    if (!factor || factor.confirmed || factor.sealedSecret !== sealedSecret) return false;
    Object.assign(factor, { confirmed: true, lastStep: step });
    return true;
  }
  async useTotpStep(accountId: string, step: number) {
    const factor = this.totp.get(accountId);
    if (!factor?.confirmed || (factor.lastStep !== undefined && factor.lastStep >= step)) return false;
    factor.lastStep = step;
    return true;
  }
  async deleteTotp(accountId: string) {
    this.totp.delete(accountId);
  }
  async setRecoveryCodes(accountId: string, hashes: string[]) {
    this.recovery.set(accountId, new Set(hashes));
  }
  async useRecoveryCode(accountId: string, hash: string) {
    return this.recovery.get(accountId)?.delete(hash) ?? false;
  }
  async recoveryCodeCount(accountId: string) {
    return this.recovery.get(accountId)?.size ?? 0;
  }
  async deleteRecoveryCodes(accountId: string) {
    this.recovery.delete(accountId);
  }
  async putPendingSignIn(hash: string, pending: PendingSignIn) {
    this.pending.set(hash, copy(pending));
  }
  async getPendingSignIn(hash: string) {
    const pending = this.pending.get(hash);
    return pending && copy(pending);
  }
  async failPendingSignIn(hash: string, maxFailures: number) {
    const pending = this.pending.get(hash);
    if (!pending) return undefined;
    pending.failures += 1;
    if (pending.failures >= maxFailures) this.pending.delete(hash);
    return pending.failures;
  }
  async consumePendingSignIn(hash: string) {
    const pending = this.pending.get(hash);
    this.pending.delete(hash);
    return pending;
  }
  async erase(accountId: string) {
    this.totp.delete(accountId);
    this.recovery.delete(accountId);
  }
}

/** The file custody's sealing with a key in memory. */
export class MemorySecretBox implements SecretBox {
  private readonly key = randomBytes(32);
  async seal(plaintext: string, context: string) {
    return gcmSeal(this.key, plaintext, context);
  }
  async open(sealed: string, context: string) {
    return gcmOpen(this.key, sealed, context);
  }
}
