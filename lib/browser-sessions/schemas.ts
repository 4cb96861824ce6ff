import * as v from 'valibot';
import { email, firstName } from '../accounts/identity';
import { signinCredentials, signupBody } from '../accounts/schemas';
import { authenticationResponse } from '../passkeys/schemas';
import { object, requiredString } from '../platform/schemas';

/** `next` comes with the sign-in form; it is checked where it is used (redirects.ts), and ignored if unsafe. */
const next = v.optional(v.pipe(v.string(), v.maxLength(4096)));

/** Browser sign-up (/register) is token sign-up (the same username and password rules) plus the identity fields. */
export const browserSignUpBody = object({ ...signupBody.entries, email, first_name: firstName, next });

/** Sign-in checks only the shape of the password, as the token signin does; the device token comes in its cookie. */
export const browserSignInBody = object({ ...signinCredentials, next });

/**
 * The sign-in page's second step: its mfa_token and one of a code (a six-digit
 * TOTP code or a recovery code, the form's field) or a passkey's assertion
 * (app.js, JSON only) to the `passkey_options` the first step gave.
 */
export const browserSignInCodeBody = v.pipe(
  object({
    mfa_token: v.pipe(requiredString(), v.maxLength(128, 'is too long')),
    code: v.optional(v.pipe(requiredString(), v.maxLength(32, 'is too long'))),
    passkey: v.optional(authenticationResponse),
    next,
  }),
  v.check((body) => (body.code === undefined) !== (body.passkey === undefined), 'give code or passkey'),
);
