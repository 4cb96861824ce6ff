import { randomBytes } from 'node:crypto';
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import type { PasskeyStore } from './store';
import type { PasskeyChallenge } from './types';

export interface ChallengeSettings {
  rpId: string;
  challengeSeconds: number;
}

/** A fresh challenge, stored server-side with its purpose (and account) until it is spent or expires. */
export async function issuePasskeyChallenge(
  store: Pick<PasskeyStore, 'putChallenge'>,
  purpose: PasskeyChallenge['purpose'],
  expiresAt: number,
  accountId?: string,
): Promise<string> {
  const challenge = randomBytes(32).toString('base64url');
  await store.putChallenge(challenge, { purpose, ...(accountId ? { accountId } : {}), expiresAt });
  return challenge;
}

/**
 * The options a password sign-in's `mfa_required` carries for a passkey
 * second step: a challenge bound to the account whose password was right,
 * and its credentials as allowCredentials (only whoever knew the password
 * sees them).
 *
 * Written here rather than with @simplewebauthn/server's
 * generateAuthenticationOptions: the package has no lighter entry, and its
 * one entry brings every verifier with it (its X.509 and ASN.1 parsers,
 * ~450 kB minified) into the password sign-in functions, which verify no
 * passkey (issue 27: every bundle under 150 kB). The options are WebAuthn
 * L3's PublicKeyCredentialRequestOptionsJSON (§5.5), the same fields the
 * library fills, checked against it in test/unit/passkeys.
 */
export class PasskeySecondStepOptions {
  constructor(
    private readonly store: Pick<PasskeyStore, 'putChallenge' | 'list'>,
    private readonly settings: ChallengeSettings,
    private readonly clock: () => number = Date.now,
  ) {}

  async secondStepOptions(accountId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const existing = await this.store.list(accountId);
    const expiresAt = Math.floor(this.clock() / 1000) + this.settings.challengeSeconds;
    const challenge = await issuePasskeyChallenge(this.store, 'mfa', expiresAt, accountId);
    return {
      rpId: this.settings.rpId,
      challenge,
      allowCredentials: existing.map((passkey) => ({ id: passkey.credentialId, type: 'public-key' as const, transports: passkey.transports })),
      timeout: this.settings.challengeSeconds * 1000,
      userVerification: 'required',
    };
  }
}
