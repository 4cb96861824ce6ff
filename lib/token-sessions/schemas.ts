import * as v from 'valibot';
import { AppError } from '../platform/errors';
import { object, requiredString, string } from '../platform/schemas';
import { looksLikeJwt } from '../tokens/refresh-tokens';

const opaqueToken = v.pipe(requiredString(), v.maxLength(512, 'is too long'));
/** Room for an access token (a few hundred characters): the revocation and introspection endpoints may be handed one. */
const anyToken = v.pipe(requiredString(), v.maxLength(2048, 'is too long'));

/**
 * RFC 6749 §6, as JSON or a form: `refresh_token`, and `grant_type`, which
 * OAuth clients send and which may only be `refresh_token`. Whatever else a
 * client library adds (`client_id`, `scope`) is dropped: the refresh token
 * alone decides, and a refresh never widens what the session was given.
 */
export const refreshBody = object({ refresh_token: opaqueToken, grant_type: v.optional(string()) });

/** The token to refresh with; any other grant is not this endpoint's (RFC 6749 §5.2 unsupported_grant_type). */
export function refreshTokenOf(body: v.InferOutput<typeof refreshBody>): string {
  if (body.grant_type !== undefined && body.grant_type !== 'refresh_token') {
    throw new AppError('unsupported_grant_type');
  }
  return body.refresh_token;
}

/** RFC 7009 §2.1, as JSON or a form: `token`, and `token_type_hint`, an unknown hint ignored (§2.2.1). */
export const revokeBody = object({ token: anyToken, token_type_hint: v.optional(string()) });

/**
 * The refresh token to revoke. An access token is refused (RFC 7009 §2.2.1
 * unsupported_token_type) rather than answered 200 as if it had been revoked:
 * it stays valid until logout ends its session, and the caller must know.
 */
export function revocableToken(body: v.InferOutput<typeof revokeBody>): string {
  if (body.token_type_hint === 'access_token' || looksLikeJwt(body.token)) {
    throw new AppError('unsupported_token_type');
  }
  return body.token;
}

/**
 * RFC 7662 §2.1: `token` (an access token is a few hundred characters), and
 * `token_type_hint`, which may be anything: an unknown hint is ignored (RFC 7009 §2.2.1).
 */
export const introspectionBody = object({
  token: anyToken,
  token_type_hint: v.optional(v.string()),
});
