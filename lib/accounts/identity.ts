import * as v from 'valibot';
import { string } from '../platform/schemas';

/**
 * The identity fields a browser registration puts on the account, which the
 * gateway later hands to services as X-Email and X-First-Name.
 */

/** RFC 5321's limit on a forward path. */
export const EMAIL_MAX_CHARS = 254;
export const FIRST_NAME_MAX_CHARS = 64;

/**
 * ASCII addresses only (valibot's check), so that the value travels in an
 * HTTP header as is. The domain is case-insensitive and stored lower-case;
 * the local part is the mail server's business and kept as given.
 */
export const email = v.pipe(
  string(),
  v.trim(),
  v.maxLength(EMAIL_MAX_CHARS, `must be at most ${EMAIL_MAX_CHARS} characters`),
  v.email('must be an email address'),
  v.transform((address) => {
    const at = address.lastIndexOf('@');
    return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
  }),
);

/** Control characters and bidirectional overrides, which could make a name display as something else. */
const UNSAFE_TEXT = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;

/** Any script, NFC-normalised so that one name has one spelling; 1 to 64 characters. */
export const firstName = v.pipe(
  string(),
  v.transform((name) => name.normalize('NFC').trim()),
  v.nonEmpty('is required'),
  v.maxLength(FIRST_NAME_MAX_CHARS, `must be at most ${FIRST_NAME_MAX_CHARS} characters`),
  v.check((name) => !UNSAFE_TEXT.test(name), 'must not contain control characters'),
);
