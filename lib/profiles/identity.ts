import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import * as v from 'valibot';
import { AppError, DependencyError } from '../platform/errors';
import type { Event } from '../platform/http';
import type { Identity } from './profile';

/** The profile service trusts no header without a valid identity token for that same user. */
export const invalidIdentity = (cause?: unknown) => new AppError('invalid_token', undefined, { cause });

/** RFC 6750's bearer token (b64token); identity tokens are compact JWS, far below this length. */
const BEARER = /^[ \t]*bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i;
const MAX_TOKEN_CHARS = 4096;

/**
 * The `typ` of identity tokens (lib/identity-tokens names the same): an
 * access token (`at+jwt`) or an ID token (`JWT`) of the same issuer, signed
 * with the same keys, is no identity token here, whatever its `aud`.
 */
export const IDENTITY_TOKEN_TYPE = 'identity+jwt';

/** What this service needs in a verified token, and nothing looser. */
const claimsSchema = v.object({
  sub: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  uid: v.pipe(v.string(), v.minLength(1), v.maxLength(64)),
  email: v.optional(v.pipe(v.string(), v.maxLength(254))),
  given_name: v.optional(v.pipe(v.string(), v.maxLength(256))),
});

export interface VerifierOptions {
  /** Finds the identity provider's key for a token's `kid`: its JWKS, fetched or configured. */
  keys: JWTVerifyGetKey;
  issuer: string;
  audience: string;
}

/** The identity headers' values, decoded as the identity provider encodes them (lib/flows/browser.ts). */
function headerValue(event: Event, name: string, decode = false): string | undefined {
  const value = event.headers[name];
  if (value === undefined) return undefined;
  if (!decode) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return '\uFFFD'; // agrees with no claim
  }
}

/**
 * Who the caller is: the identity token the gateway obtained (signature by
 * the identity provider's key, ES256 only, `typ`, issuer, audience, expiry), and
 * only that. X-User, X-Email and X-First-Name must agree with it: a request
 * with forged headers and no valid token, or a valid token and headers
 * naming someone else, is refused.
 */
export class IdentityVerifier {
  constructor(private readonly options: VerifierOptions) {}

  async identify(event: Event): Promise<Identity> {
    const token = BEARER.exec(event.headers.authorization ?? '')?.[1];
    if (!token || token.length > MAX_TOKEN_CHARS) throw invalidIdentity();
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, this.options.keys, {
        algorithms: ['ES256'],
        typ: IDENTITY_TOKEN_TYPE,
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['exp', 'iat'],
        // Tokens live about a minute: one claiming much longer was not issued for this.
        maxTokenAge: 300,
        clockTolerance: 5,
      }));
    } catch (error) {
      throw unreachableKeys(error) ? new DependencyError('identity-keys', error) : invalidIdentity(error);
    }
    const claims = v.safeParse(claimsSchema, payload);
    if (!claims.success) throw invalidIdentity(new Error('identity token lacks its claims'));
    const { sub, uid, email, given_name } = claims.output;

    const disagrees = (header: string | undefined, claim: string | undefined) => header !== undefined && header !== (claim ?? '');
    if (
      disagrees(headerValue(event, 'x-user'), sub) ||
      disagrees(headerValue(event, 'x-email'), email) ||
      disagrees(headerValue(event, 'x-first-name', true), given_name)
    ) {
      throw invalidIdentity(new Error('identity headers disagree with the identity token'));
    }
    return { accountId: uid, username: sub, email, firstName: given_name };
  }
}

/**
 * Whether verification failed because the keys could not be fetched (the
 * identity provider's JWKS is down or slow: 503, retry) rather than because
 * the token is bad (401).
 */
function unreachableKeys(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout) return true;
  if (!(error instanceof errors.JOSEError)) return true; // network errors from the JWKS fetch
  // A JWKS answer that is not 200, or not a key set.
  return error.code === 'ERR_JOSE_GENERIC' || error.code === 'ERR_JWKS_INVALID';
}
