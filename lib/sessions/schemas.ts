import * as v from 'valibot';
import { object, requiredString } from '../platform/schemas';

const opaqueToken = v.pipe(requiredString(), v.maxLength(512, 'is too long'));
export const refreshBody = object({ refresh_token: opaqueToken });
export const revokeBody = object({ token: opaqueToken });

/**
 * RFC 7662 §2.1: `token` (an access token is a few hundred characters), and
 * `token_type_hint`, which may be anything: an unknown hint is ignored (RFC 7009 §2.2.1).
 */
export const introspectionBody = object({
  token: v.pipe(requiredString(), v.maxLength(2048, 'is too long')),
  token_type_hint: v.optional(v.string()),
});
