import type { AuthenticatorTransport } from '@simplewebauthn/server';
import { AppError } from '../platform/errors';

/** A registered passkey: the public key and what the authenticator said of itself, never a secret. */
export interface Passkey {
  accountId: string;
  /** The owner's name when registered: a sign-in is counted on it (protection's backoff) before the signature is checked. */
  username: string;
  /** base64url, as the authenticator made it. */
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** The signature counter last seen (0 for authenticators that keep none). */
  counter: number;
  transports: AuthenticatorTransport[];
  /** 'singleDevice' | 'multiDevice' (synced): tells hwk from swk in amr. */
  deviceType: string;
  backedUp: boolean;
  name: string;
  createdAt: number;
  lastUsedAt?: number;
}

/** A challenge the server handed out, waiting for the one response that may use it. */
export interface PasskeyChallenge {
  /** `mfa`: the second step of a password sign-in, for the account whose password was right. */
  purpose: 'register' | 'signin' | 'mfa';
  /** Registration and second steps: the account the passkey must belong to. */
  accountId?: string;
  expiresAt: number;
}

/** A passkey as the user sees it (list, security page). */
export interface PasskeyView {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  synced: boolean;
}

/**
 * A refused passkey, with the reason in its cause (logged, never answered).
 * Here, not in passkeys.ts: the sign-in flows throw it too, and importing it
 * from passkeys.ts would bundle @simplewebauthn/server (about 300 kB with
 * its X.509 and ASN.1 parsers) into every function that signs in.
 */
export const invalidPasskey = (reason: string) => new AppError('invalid_passkey', undefined, { cause: reason });
