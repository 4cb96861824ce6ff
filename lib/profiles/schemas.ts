import * as v from 'valibot';
import { string } from '../platform/schemas';

/** Control characters (but line breaks in the bio) and bidirectional overrides, which could make text display as something else. */
const UNSAFE_LINE = /[\p{Cc}\u202a-\u202e\u2066-\u2069]/u;
const UNSAFE_TEXT = /[\x00-\x09\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/u;

const normalised = () => v.pipe(string(), v.transform((value: string) => value.normalize('NFC').trim()));

const text = (max: number, { lines = false } = {}) =>
  v.pipe(
    normalised(),
    v.maxLength(max, `must be at most ${max} characters`),
    v.check((value: string) => !(lines ? UNSAFE_TEXT : UNSAFE_LINE).test(value), 'must not contain control characters'),
  );

const requiredText = (max: number) => v.pipe(text(max), v.nonEmpty('is required'));

/** Empty, or an absolute http(s) URL: never javascript:, data: or the like, which a page could be made to follow. */
const website = v.pipe(
  text(200),
  v.check((value) => {
    if (value === '') return true;
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// address'),
);

/**
 * A profile as the user sends it (POST and PUT alike: PUT replaces the
 * whole). The identity fields (username, email, first name) are not among
 * them: they come from the identity provider, and a body naming them is
 * refused rather than silently ignored.
 */
export const profileBody = v.strictObject(
  {
    display_name: requiredText(64),
    bio: v.optional(text(500, { lines: true }), ''),
    location: v.optional(text(100), ''),
    website: v.optional(website, ''),
  },
  // Bodies are JSON objects by now (lib/platform/http.ts): this is the message for an unknown key.
  'is not a field you can set',
);
