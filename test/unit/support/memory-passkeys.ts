// The passkey store in memory, with the DynamoDB adapter's conditional semantics.
import type { PasskeyStore } from '../../../lib/passkeys/store';
import type { Passkey, PasskeyChallenge } from '../../../lib/passkeys/types';

const copy = <T>(value: T): T => structuredClone(value);

export class MemoryPasskeyStore implements PasskeyStore {
  readonly challenges = new Map<string, PasskeyChallenge>();
  readonly passkeys = new Map<string, Passkey>();

  async putChallenge(challenge: string, value: PasskeyChallenge) {
    if (this.challenges.has(challenge)) throw new Error('challenge exists');
    this.challenges.set(challenge, copy(value));
  }
  async consumeChallenge(challenge: string) {
    const stored = this.challenges.get(challenge);
    this.challenges.delete(challenge);
    return stored;
  }
  async add(passkey: Passkey) {
    if ([...this.passkeys.values()].some((p) => p.credentialId === passkey.credentialId)) return false;
    this.passkeys.set(`${passkey.accountId}#${passkey.credentialId}`, copy(passkey));
    return true;
  }
  async get(accountId: string, credentialId: string) {
    const passkey = this.passkeys.get(`${accountId}#${credentialId}`);
    return passkey && copy(passkey);
  }
  async ownerOf(credentialId: string) {
    return [...this.passkeys.values()].find((p) => p.credentialId === credentialId)?.accountId;
  }
  async list(accountId: string) {
    return [...this.passkeys.values()].filter((p) => p.accountId === accountId).map(copy);
  }
  async rename(accountId: string, credentialId: string, name: string) {
    const passkey = this.passkeys.get(`${accountId}#${credentialId}`);
    if (!passkey) return false;
    passkey.name = name;
    return true;
  }
  async remove(accountId: string, credentialId: string) {
    return this.passkeys.delete(`${accountId}#${credentialId}`);
  }
  async recordUse(accountId: string, credentialId: string, counter: number, usedAt: number) {
    const passkey = this.passkeys.get(`${accountId}#${credentialId}`);
    if (!passkey) return false;
    if (counter > 0 ? passkey.counter >= counter : passkey.counter !== counter) return false;
    Object.assign(passkey, { counter, lastUsedAt: usedAt });
    return true;
  }
  async erase(accountId: string) {
    for (const key of [...this.passkeys.keys()]) if (key.startsWith(`${accountId}#`)) this.passkeys.delete(key);
  }
}
