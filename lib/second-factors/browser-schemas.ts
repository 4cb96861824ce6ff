import * as v from 'valibot';
import { email } from '../accounts/identity';
import { object, string } from '../platform/schemas';

/** The security page's forms: which change, the code it needs (if any), and the email change's fields. */
export const securityFormBody = object({
  action: v.picklist(['totp-start', 'totp-confirm', 'totp-disable', 'recovery-codes', 'email-change', 'passkey-rename', 'passkey-remove'], 'is not a known action'),
  code: v.optional(v.pipe(string(), v.maxLength(32, 'is too long'))),
  new_email: v.optional(email),
  current_password: v.optional(v.pipe(string(), v.maxLength(1024, 'is too long'))),
  // The passkey forms: which passkey (its credential id), and its new name.
  credential_id: v.optional(v.pipe(string(), v.maxLength(1400, 'is too long'))),
  name: v.optional(v.pipe(string(), v.maxLength(256, 'is too long'))),
});
