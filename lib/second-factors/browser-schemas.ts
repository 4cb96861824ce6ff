import * as v from 'valibot';
import { object, string } from '../platform/schemas';

/** The security page's forms: which change, and the code it needs (if any). */
export const securityFormBody = object({
  action: v.picklist(['totp-start', 'totp-confirm', 'totp-disable', 'recovery-codes'], 'is not a known action'),
  code: v.optional(v.pipe(string(), v.maxLength(32, 'is too long'))),
});
