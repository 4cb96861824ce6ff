import { createHash, randomBytes } from 'node:crypto';

/** Refresh tokens are opaque: 256 random bits; only their SHA-256 is stored. */
export function newRefreshToken() {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashRefreshToken(token) };
}

export const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');
