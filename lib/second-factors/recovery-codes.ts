import { createHash, randomInt } from 'node:crypto';

/** Ten codes, as GitHub, Google and Authelia give. */
export const RECOVERY_CODE_COUNT = 10;
/** Crockford-style base32 without I, L, O, U: nothing to misread on paper. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const GROUPS = 4;
const GROUP_LENGTH = 4;

/**
 * 16 characters of 32 = 80 bits each: stored as a plain SHA-256, a dumped
 * table cannot be searched back to a code (no salt or slow hash needed at
 * that entropy, unlike passwords), and online guessing meets the backoff.
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    Array.from({ length: GROUPS }, () => Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('')).join('-'),
  );
}

/** Case, spaces and dashes are how people copy codes, not part of them. */
export function normalizeRecoveryCode(code: string): string | undefined {
  const plain = code.toUpperCase().replace(/[\s-]/g, '');
  return new RegExp(`^[${ALPHABET}]{${GROUPS * GROUP_LENGTH}}$`).test(plain) ? plain : undefined;
}

export const hashRecoveryCode = (normalized: string): string => createHash('sha256').update(`recovery-code:${normalized}`).digest('base64url');
