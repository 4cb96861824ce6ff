import { z } from 'zod';

const string = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

/**
 * Usernames: 3 to 32 characters of a-z, 0-9, "_" and "-", starting with a
 * letter or digit, case-insensitive (stored lower-case). The allow-list is a
 * security boundary: the name becomes a Kong Admin API path segment, so
 * nothing like "/", "..", "?" or "%" may pass, and it can never be 36
 * characters long, the length of the UUIDs Kong would look up by id instead.
 */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_-]{2,31}$/;

export const PASSWORD_MIN_CHARS = 8;

/** bcrypt ignores everything past 72 bytes: refuse rather than truncate silently. */
export const PASSWORD_MAX_BYTES = 72;

export const username = string()
  .transform((value) => value.toLowerCase())
  .refine((value) => USERNAME_PATTERN.test(value), {
    message: 'must be 3-32 characters: letters, digits, "_" or "-", starting with a letter or digit',
  });

export const password = string()
  .min(PASSWORD_MIN_CHARS, { message: `must be at least ${PASSWORD_MIN_CHARS} characters` })
  .refine((value) => Buffer.byteLength(value, 'utf8') <= PASSWORD_MAX_BYTES, {
    message: `must be at most ${PASSWORD_MAX_BYTES} bytes of UTF-8`,
  });

/** Sign-in checks only the shape: the rules may have changed since signup. */
const anyPassword = string().min(1, { message: 'is required' }).max(1024);

const object = <T extends z.ZodRawShape>(shape: T) => z.object(shape, { error: 'Request body must be a JSON object' });

export const credentialsBody = object({ username, password });
export const signinBody = object({
  username: string().min(1, { message: 'is required' }).max(64).transform((value) => value.toLowerCase()),
  password: anyPassword,
});
export const refreshBody = object({ refresh_token: string().min(1, { message: 'is required' }).max(512) });
export const revokeBody = object({ token: string().min(1, { message: 'is required' }).max(512) });
export const passwordChangeBody = object({ current_password: anyPassword, new_password: password });
