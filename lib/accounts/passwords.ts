import bcrypt from 'bcryptjs';
import { createHmac } from 'node:crypto';

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** False for a wrong password and for no hash at all, in about the same time. */
  verify(password: string, hash: string | undefined): Promise<boolean>;
  /** Whether a hash that just verified should be made again the current way (an older scheme, a lower cost). */
  needsRehash(hash: string): boolean;
}

/** How the current scheme's hashes are marked; a hash without it is version 1. */
const V2 = 'v2:';
/** bcrypt reads at most 72 bytes: version 1 hashes cannot tell longer passwords apart. */
const BCRYPT_MAX_BYTES = 72;

/**
 * Passwords are hashed as bcrypt(base64(HMAC-SHA256(pepper, NFKC(password))))
 * at `cost`, and stored as "v2:" followed by the bcrypt string:
 * - the HMAC makes every password 44 characters, so bcrypt's 72-byte limit no
 *   longer caps (or silently cuts) passwords; base64 rather than the raw
 *   digest, because bcrypt stops at a NUL byte;
 * - the pepper is a server-side secret (PASSWORD_PEPPER), not in DynamoDB, so
 *   a stolen users table cannot be attacked offline without it too;
 * - NFKC (NIST SP 800-63B) makes the same password typed on different
 *   keyboards (composed or decomposed accents) the same password.
 *
 * Version 1, plain bcrypt of the password (every hash made before), still
 * verifies; signin replaces it with a version 2 hash (needsRehash).
 */
export function bcryptHasher(cost: number, pepper: string): PasswordHasher {
  const prehash = (password: string) => createHmac('sha256', pepper).update(password.normalize('NFKC'), 'utf8').digest('base64');
  const hash = async (password: string) => V2 + (await bcrypt.hash(prehash(password), cost));
  // Compared against when the user does not exist, so that an unknown username
  // costs the same time as a wrong password and timing reveals nothing.
  let dummyHash: Promise<string> | undefined;

  async function matches(password: string, stored: string): Promise<boolean> {
    if (stored.startsWith(V2)) return bcrypt.compare(prehash(password), stored.slice(V2.length));
    // Version 1 saw at most 72 bytes: anything longer would match on its first 72 alone.
    const fits = Buffer.byteLength(password, 'utf8') <= BCRYPT_MAX_BYTES;
    return (await bcrypt.compare(fits ? password : '', stored)) && fits;
  }

  return {
    hash,
    async verify(password, stored) {
      dummyHash ??= hash('not a real password');
      const matched = await matches(password, stored ?? (await dummyHash));
      return matched && stored !== undefined;
    },
    needsRehash(stored) {
      return !stored.startsWith(V2) || bcrypt.getRounds(stored.slice(V2.length)) < cost;
    },
  };
}
