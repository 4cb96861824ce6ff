import * as v from 'valibot';
import { object, requiredString, string } from '../platform/schemas';
import { email } from './identity';

/**
 * Usernames: 3 to 32 characters of a-z, 0-9, "_" and "-", starting with a
 * letter or digit, case-insensitive (stored lower-case). The allow-list is a
 * security boundary: the name becomes a Kong Admin API path segment, so
 * nothing like "/", "..", "?" or "%" may pass, and it can never be 36
 * characters long, the length of the UUIDs Kong would look up by id instead.
 */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9_-]{2,31}$/;

/**
 * The longest password accepted (NIST asks for at least 64). Passwords are
 * HMAC'd before bcrypt, so length costs nothing there; the bound is for the
 * strength estimate and the 4 KiB body. The rules a new password must meet
 * (length, strength, no username) are in password-policy.ts.
 */
export const PASSWORD_MAX_CHARS = 256;

const username = v.pipe(
  string(),
  v.toLowerCase(),
  v.regex(USERNAME_PATTERN, 'must be 3-32 characters: letters, digits, "_" or "-", starting with a letter or digit'),
);

const password = v.pipe(requiredString(), v.maxLength(PASSWORD_MAX_CHARS, `must be at most ${PASSWORD_MAX_CHARS} characters`));

/** Sign-in checks only the shape: the rules may have changed since signup. */
const anyPassword = v.pipe(requiredString(), v.maxLength(1024, 'is too long'));

export const signupBody = object({ username, password });
/** Token sign-up may give an address: it is verified by mail (lib/flows/recovery.ts). */
export const tokenSignupBody = object({ username, password, email: v.optional(email) });
/** Sign-in's username and password, for the token and the browser sign-in alike. */
export const signinCredentials = {
  username: v.pipe(requiredString(), v.maxLength(64, 'is too long'), v.toLowerCase()),
  password: anyPassword,
};

/** A device token from an earlier sign-in (lib/protection/device-tokens.ts); one that does not verify is ignored. */
export const DEVICE_TOKEN_MAX_CHARS = 256;

export const signinBody = object({
  ...signinCredentials,
  device_token: v.optional(v.pipe(string(), v.maxLength(DEVICE_TOKEN_MAX_CHARS, 'is too long'))),
});
/** A user deleting their own account confirms it with their password. */
export const accountDeletionBody = object({
  password: anyPassword,
  // With a second factor on and none recent in the session: a current code (lib/flows/second-factors.ts, stepUp).
  code: v.optional(v.pipe(string(), v.maxLength(16, 'is too long'))),
  recovery_code: v.optional(v.pipe(string(), v.maxLength(32, 'is too long'))),
});
/** With a second factor on and no recent one in the session: a current TOTP code or a recovery code too (lib/flows/second-factors.ts). */
export const passwordChangeBody = object({
  current_password: anyPassword,
  new_password: password,
  code: v.optional(v.pipe(string(), v.maxLength(16, 'is too long'))),
  recovery_code: v.optional(v.pipe(string(), v.maxLength(32, 'is too long'))),
});
