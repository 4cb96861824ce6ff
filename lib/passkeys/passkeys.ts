import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type PublicKeyCredentialCreationOptionsJSON,
  type PublicKeyCredentialRequestOptionsJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { AppError } from '../platform/errors';
import { securityEvent } from '../platform/security-events';
import { cleanName, PasskeyManagement, viewOf } from './management';
import { issuePasskeyChallenge, PasskeySecondStepOptions } from './second-step-options';
import type { PasskeyStore } from './store';
import { invalidPasskey, type Passkey, type PasskeyChallenge, type PasskeyView } from './types';

export { invalidPasskey, viewOf };

export interface PasskeySettings {
  /** The relying party ID (WEBAUTHN_RP_ID): a registrable domain suffix of the pages' host. */
  rpId: string;
  /** The name authenticators show (WEBAUTHN_RP_NAME). */
  rpName: string;
  /** Origins a response may come from (WEBAUTHN_ORIGINS). */
  origins: string[];
  /** How long a challenge waits for its response (WEBAUTHN_CHALLENGE_TTL_SECONDS). */
  challengeSeconds: number;
}


/** COSE algorithms offered for new passkeys: EdDSA, ES256, RS256 (IANA COSE Algorithms), what authenticators make today. */
export const SUPPORTED_ALGORITHMS = [-8, -7, -257];

/** A verified passkey sign-in: whose, and how (RFC 8176 amr). */
export interface PasskeyAssertion {
  accountId: string;
  amr: string[];
}


const MAX_PASSKEYS = 20;

/**
 * WebAuthn Level 3 through @simplewebauthn/server (the W3C spec's checks:
 * origin, RP ID hash, flags, signature, counter), following OWASP's
 * Authentication cheat sheet and the WebAuthn spec's security
 * considerations: discoverable credentials (residentKey required) so a
 * sign-in names no user, user verification required on both ceremonies,
 * no attestation (privacy; we trust no vendor list). Each challenge is made
 * here, stored server-side with its purpose (and account, when
 * registering), short-lived, and consumed by a conditional delete before
 * the response is believed: a replayed response finds its challenge gone.
 */
export class Passkeys extends PasskeyManagement {
  constructor(
    store: PasskeyStore,
    private readonly settings: PasskeySettings,
    clock: () => number = Date.now,
  ) {
    super(store, clock);
  }

  private nowSeconds() {
    return Math.floor(this.clock() / 1000);
  }

  private issueChallenge(purpose: PasskeyChallenge['purpose'], accountId?: string): Promise<string> {
    return issuePasskeyChallenge(this.store, purpose, this.nowSeconds() + this.settings.challengeSeconds, accountId);
  }

  /**
   * The challenge check the library runs on the response's clientDataJSON:
   * the challenge must be one of ours, unexpired, for this purpose (and
   * account), and is spent whatever the rest of the response says.
   */
  private challengeCheck(purpose: PasskeyChallenge['purpose'], accountId?: string) {
    return async (challenge: string) => {
      const stored = await this.store.consumeChallenge(challenge);
      // TTL deletion is lazy: the expiry is checked here too.
      return !!stored && stored.purpose === purpose && stored.expiresAt > this.nowSeconds() && stored.accountId === accountId;
    };
  }

  /** Options for navigator.credentials.create(), for the signed-in account. */
  async registrationOptions(account: { id: string; username: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
    const existing = await this.store.list(account.id);
    const challenge = await this.issueChallenge('register', account.id);
    return generateRegistrationOptions({
      rpName: this.settings.rpName,
      rpID: this.settings.rpId,
      userName: account.username,
      // The user handle is the account id: no personal data, and a later account under the same name is another user.
      userID: new TextEncoder().encode(account.id),
      // As bytes: a string would be taken as text and encoded again, and the stored key would not match.
      challenge: new Uint8Array(Buffer.from(challenge, 'base64url')),
      timeout: this.settings.challengeSeconds * 1000,
      attestationType: 'none',
      excludeCredentials: existing.map((passkey) => ({ id: passkey.credentialId, transports: passkey.transports })),
      authenticatorSelection: { residentKey: 'required', requireResidentKey: true, userVerification: 'required' },
      // Pinned, not the library's default, which puts ML-DSA-44 first wherever the runtime's crypto has it (Node 24,
      // not Node 20): a passkey must verify on every runtime the functions run on, and an ML-DSA attestation
      // (a 1.3 kB key) does not fit the 4 kB request body limit (lib/platform/http.ts).
      supportedAlgorithmIDs: SUPPORTED_ALGORITHMS,
    });
  }

  /** Verifies a registration response and stores the passkey; answers it as the user sees it. */
  async register(account: { id: string; username: string }, response: RegistrationResponseJSON, name?: string): Promise<PasskeyView> {
    let verification;
    try {
      verification = await verifyRegistrationResponse({
        response,
        expectedChallenge: this.challengeCheck('register', account.id),
        expectedOrigin: this.settings.origins,
        expectedRPID: this.settings.rpId,
        requireUserVerification: true,
      });
    } catch (error) {
      throw invalidPasskey(error instanceof Error ? error.message : 'unverified');
    }
    if (!verification.verified) throw invalidPasskey('unverified');
    const { credential, credentialDeviceType, credentialBackedUp } = verification.registrationInfo;
    if ((await this.store.list(account.id)).length >= MAX_PASSKEYS) throw new AppError('invalid_request', `At most ${MAX_PASSKEYS} passkeys`);
    const passkey: Passkey = {
      accountId: account.id,
      username: account.username,
      credentialId: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: (credential.transports ?? []) as Passkey['transports'],
      deviceType: credentialDeviceType,
      backedUp: credentialBackedUp,
      name: cleanName(name) ?? 'Passkey',
      createdAt: this.nowSeconds(),
    };
    if (!(await this.store.add(passkey))) throw invalidPasskey('credential_registered');
    securityEvent('second_factor_added', { username: account.username, reason: 'passkey' });
    return viewOf(passkey);
  }

  /** Options for navigator.credentials.get(): no allowCredentials, the authenticator offers its discoverable ones. */
  async authenticationOptions(): Promise<PublicKeyCredentialRequestOptionsJSON> {
    const challenge = await this.issueChallenge('signin');
    return generateAuthenticationOptions({
      rpID: this.settings.rpId,
      challenge: new Uint8Array(Buffer.from(challenge, 'base64url')),
      timeout: this.settings.challengeSeconds * 1000,
      userVerification: 'required',
    });
  }

  /**
   * Verifies a sign-in assertion: the credential must be registered, its
   * user handle the owner's, the challenge ours and unused, the user
   * verified, and the signature counter (when the authenticator keeps one)
   * above the stored one: a lower or equal one means a cloned authenticator
   * or a replay, refused and reported.
   *
   * amr (RFC 8176): `hwk` for a device-bound key, `swk` for a synced one
   * (its private key leaves the hardware it was made on); `user` as the
   * authenticator tested presence; `mfa`, because user verification (a PIN
   * or a biometric, we cannot tell which, so neither `pin` nor `fpt`) on top
   * of possession of the key is two factors (NIST SP 800-63B: a multi-factor
   * cryptographic authenticator).
   */
  async verifyAssertion(response: AuthenticationResponseJSON): Promise<PasskeyAssertion> {
    return this.verify(response, 'signin');
  }

  /**
   * Options for the second step of a password sign-in: a challenge bound to
   * the account whose password was right, and its credentials as
   * allowCredentials (only whoever knew the password sees them).
   */
  secondStepOptions(accountId: string): Promise<PublicKeyCredentialRequestOptionsJSON> {
    return new PasskeySecondStepOptions(this.store, this.settings, this.clock).secondStepOptions(accountId);
  }

  /**
   * A passkey as the second step of a password sign-in: as a passwordless
   * sign-in, but the credential must be the account's and the challenge one
   * made for that account's second step. Another account's passkey is
   * refused like a wrong one (its challenge spent).
   */
  async verifySecondStep(accountId: string, response: AuthenticationResponseJSON): Promise<PasskeyAssertion> {
    return this.verify(response, 'mfa', accountId);
  }

  private async verify(response: AuthenticationResponseJSON, purpose: 'signin' | 'mfa', accountId?: string): Promise<PasskeyAssertion> {
    const passkey = await this.passkeyOf(response);
    if (!passkey) {
      // Spend the challenge anyway: an unknown credential's response is not a way to keep one alive.
      await this.spendChallengeOf(response);
      throw invalidPasskey('unknown_credential');
    }
    if (accountId !== undefined && passkey.accountId !== accountId) {
      await this.spendChallengeOf(response);
      throw invalidPasskey('other_account');
    }
    const handle = response.response?.userHandle;
    if (handle !== undefined && handle !== Buffer.from(passkey.accountId).toString('base64url')) {
      await this.spendChallengeOf(response);
      throw invalidPasskey('user_handle_mismatch');
    }
    let verification;
    try {
      verification = await verifyAuthenticationResponse({
        response,
        expectedChallenge: this.challengeCheck(purpose, accountId),
        expectedOrigin: this.settings.origins,
        expectedRPID: this.settings.rpId,
        requireUserVerification: true,
        credential: {
          id: passkey.credentialId,
          publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')),
          counter: passkey.counter,
          transports: passkey.transports,
        },
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : 'unverified';
      if (/counter/i.test(message)) securityEvent('passkey_counter_regressed', { accountId: passkey.accountId });
      throw invalidPasskey(message);
    }
    if (!verification.verified) throw invalidPasskey('unverified');
    const { newCounter, credentialDeviceType } = verification.authenticationInfo;
    if (!(await this.store.recordUse(passkey.accountId, passkey.credentialId, newCounter, this.nowSeconds()))) {
      securityEvent('passkey_counter_regressed', { accountId: passkey.accountId });
      throw invalidPasskey('counter');
    }
    return { accountId: passkey.accountId, amr: [credentialDeviceType === 'singleDevice' ? 'hwk' : 'swk', 'user', 'mfa'] };
  }

  /**
   * Whose passkey a response claims to be (unverified: only to count the
   * attempt on that account's backoff). An unknown one is refused here, its
   * challenge spent, and reported.
   */
  async claimedOwner(response: AuthenticationResponseJSON): Promise<{ accountId: string; username: string }> {
    const passkey = await this.passkeyOf(response);
    if (!passkey) {
      await this.spendChallengeOf(response);
      securityEvent('passkey_failed', { reason: 'unknown_credential' });
      throw invalidPasskey('unknown_credential');
    }
    return { accountId: passkey.accountId, username: passkey.username };
  }

  private async passkeyOf(response: AuthenticationResponseJSON): Promise<Passkey | undefined> {
    const credentialId = typeof response?.id === 'string' ? response.id : '';
    // A credential id is at most 1023 bytes (WebAuthn §5.8.3): nothing longer is worth a read.
    if (!credentialId || credentialId.length > 1400) return undefined;
    const accountId = await this.store.ownerOf(credentialId);
    return accountId ? this.store.get(accountId, credentialId) : undefined;
  }

  private async spendChallengeOf(response: AuthenticationResponseJSON) {
    try {
      const clientData = JSON.parse(Buffer.from(String(response?.response?.clientDataJSON), 'base64url').toString('utf8')) as { challenge?: unknown };
      if (typeof clientData.challenge === 'string') await this.store.consumeChallenge(clientData.challenge);
    } catch {
      // Not a response at all: there is no challenge to spend.
    }
  }
}
