import * as v from 'valibot';
import { object, requiredString, string } from '../platform/schemas';

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

const username = v.pipe(
  string(),
  v.toLowerCase(),
  v.regex(USERNAME_PATTERN, 'must be 3-32 characters: letters, digits, "_" or "-", starting with a letter or digit'),
);

const password = v.pipe(
  string(),
  v.minLength(PASSWORD_MIN_CHARS, `must be at least ${PASSWORD_MIN_CHARS} characters`),
  v.maxBytes(PASSWORD_MAX_BYTES, `must be at most ${PASSWORD_MAX_BYTES} bytes of UTF-8`),
);

/** Sign-in checks only the shape: the rules may have changed since signup. */
const anyPassword = v.pipe(requiredString(), v.maxLength(1024, 'is too long'));

export const signupBody = object({ username, password });
export const signinBody = object({
  username: v.pipe(requiredString(), v.maxLength(64, 'is too long'), v.toLowerCase()),
  password: anyPassword,
});
export const passwordChangeBody = object({ current_password: anyPassword, new_password: password });
