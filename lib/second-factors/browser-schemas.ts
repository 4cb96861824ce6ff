import * as v from 'valibot';
import { email } from '../accounts/identity';
import { object, string } from '../platform/schemas';
import type { PresentedCode } from './second-factors';
import { normalizeCode } from './totp';

/** The security page's forms: which change, the code it needs (if any), and the email change's fields. */
export const securityFormBody = object({
  action: v.picklist(['totp-start', 'totp-confirm', 'totp-disable', 'recovery-codes', 'email-change', 'passkey-rename', 'passkey-remove', 'session-end', 'password-change'], 'is not a known action'),
  code: v.optional(v.pipe(string(), v.maxLength(32, 'is too long'))),
  new_email: v.optional(email),
  current_password: v.optional(v.pipe(string(), v.maxLength(1024, 'is too long'))),
  // The passkey forms: which passkey (its credential id), and its new name.
  credential_id: v.optional(v.pipe(string(), v.maxLength(1400, 'is too long'))),
  name: v.optional(v.pipe(string(), v.maxLength(256, 'is too long'))),
  // The sessions' End buttons (a token session's UUID or a browser session's hash) and the password change.
  session_id: v.optional(v.pipe(string(), v.maxLength(64, 'is too long'))),
  new_password: v.optional(v.pipe(string(), v.maxLength(1024, 'is too long'))),
});

/**
 * The one code field of a page as the step-up takes it: six digits are a TOTP
 * code, anything else typed a recovery code, and an empty field no code at
 * all (a session with a recent second factor needs none).
 */
export function presentedField(code: string | undefined): PresentedCode {
  const typed = code?.trim() ?? '';
  if (!typed) return {};
  return normalizeCode(typed) ? { code: typed } : { recovery_code: typed };
}
