import * as v from 'valibot';
import { email } from '../accounts/identity';
import { PASSWORD_MAX_CHARS } from '../accounts/schemas';
import { object, requiredString, string } from '../platform/schemas';

/** A token's shape is checked by the flow (one clear 400 code for every bad token); here only its size. */
const token = v.pipe(requiredString(), v.maxLength(128, 'is too long'));

/**
 * A username's shape as sign-in takes it, or an address: exactly one. The
 * forgot page has one field for either: a `username` with an `@` is taken as the address.
 */
const oneField = (input: unknown) => {
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const { username, email: address, ...rest } = input as Record<string, unknown>;
    if (typeof username === 'string' && username.includes('@') && address === undefined) return { ...rest, email: username };
  }
  return input;
};

export const recoveryRequestBody = v.pipe(
  v.unknown(),
  v.transform(oneField),
  object({
    username: v.optional(v.pipe(requiredString(), v.maxLength(64, 'is too long'), v.toLowerCase())),
    email: v.optional(email),
  }),
  v.check((body) => (body.username === undefined) !== (body.email === undefined), 'give either username or email'),
);

export const resetBody = object({ token, new_password: v.pipe(requiredString(), v.maxLength(PASSWORD_MAX_CHARS, `must be at most ${PASSWORD_MAX_CHARS} characters`)) });
export const verifyBody = object({ token });
export const emailChangeBody = object({
  current_password: v.pipe(requiredString(), v.maxLength(1024, 'is too long')),
  new_email: email,
  code: v.optional(v.pipe(string(), v.maxLength(16, 'is too long'))),
  recovery_code: v.optional(v.pipe(string(), v.maxLength(32, 'is too long'))),
});
