import { createHash, randomBytes } from 'node:crypto';

/**
 * Recovery and verification tokens: 256 random bits (OWASP Forgot Password
 * asks for at least 128), base64url, sent once in a mail and stored only as
 * their SHA-256. A plain hash, not a slow one: the token is uniformly random
 * and long, so nothing can be guessed from its hash, and a stolen table holds
 * no usable link.
 */
export const newToken = (): string => randomBytes(32).toString('base64url');

/** 43 base64url characters: anything else is refused before any lookup. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/**
 * What binds a reset token to the password it was issued under: a hash of
 * the stored password hash, so that the token item holds nothing a cracker
 * could use, and any password change (reset, change, rehash) spends every
 * token issued before it.
 */
export const passwordFingerprint = (passwordHash: string): string => createHash('sha256').update(`reset-binding:${passwordHash}`).digest('hex');
