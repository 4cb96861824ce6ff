import { jwtVerify } from 'jose';
import * as v from 'valibot';
import { nowSeconds } from '../platform/clock';
import { AccessTokens, type AccessTokenClaims, type KeyResolver } from './access-tokens';

const seconds = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
/** The claims checked once the signature is: the rest (iss, aud, sub) jose compares. */
const verifiedClaims = v.object({
  iat: seconds,
  exp: seconds,
  aud: v.union([v.pipe(v.string(), v.minLength(1)), v.pipe(v.array(v.pipe(v.string(), v.minLength(1))), v.minLength(1))]),
  client_id: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  scope: v.pipe(v.string(), v.maxLength(1024)),
  amr: v.optional(v.pipe(v.array(v.pipe(v.string(), v.maxLength(16))), v.maxLength(8))),
  auth_time: v.optional(seconds),
});

/**
 * Access tokens that are also verified here (the caller check of the
 * protected routes, introspection): jose's `jwtVerify` is in the bundles of
 * the functions that build one (lib/composition/caller.ts), not in those
 * that only sign (signin, refresh; issue 27).
 */
export class VerifyingAccessTokens extends AccessTokens {
  /**
   * Verifies signature, algorithm, `typ` (at+jwt), issuer (ISSUER_URL),
   * audience (one of ACCESS_TOKEN_AUDIENCE), credential key, subject and time
   * with the key `resolve` finds: `iat` and `exp` must be whole seconds, the
   * token not expired, and its lifetime within the maximum. Undefined if
   * anything is off: an identity token, an ID token or a token for another
   * audience is no access token here.
   */
  async verify(token: string, resolve: KeyResolver): Promise<AccessTokenClaims | undefined> {
    const claimed = this.unverifiedClaims(token);
    const signingKey = claimed && (await resolve(claimed));
    if (!claimed || !signingKey || claimed.ckey !== signingKey.credentialKey) return undefined;
    let payload: unknown;
    try {
      // Expiry and lifetime are checked below, in whole seconds and against the maximum, as before.
      ({ payload } = await jwtVerify(token, signingKey.key, {
        algorithms: [signingKey.algorithm],
        issuer: this.profile.issuer,
        audience: [...this.profile.audience],
        subject: claimed.sub,
        clockTolerance: 0,
      }));
    } catch {
      return undefined;
    }
    const checked = v.safeParse(verifiedClaims, payload);
    if (!checked.success) return undefined;
    const { iat, exp, aud, client_id, scope, amr, auth_time } = checked.output;
    const now = nowSeconds();
    if (exp <= now || exp - iat > this.maxLifetimeSeconds || exp - now > this.maxLifetimeSeconds) return undefined;
    const { ckey, sub, jti, sid } = claimed;
    return { iss: this.profile.issuer, sub, aud, client_id, scope, iat, exp, jti, sid, ckey, ...(amr && { amr }), ...(auth_time !== undefined && { auth_time }) };
  }
}
