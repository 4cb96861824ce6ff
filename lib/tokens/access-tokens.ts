import { createSecretKey, randomUUID, type KeyObject } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import * as v from 'valibot';
import { USERNAME_PATTERN } from '../accounts/schemas';
import { nowSeconds } from '../platform/clock';
import { normalizedType, type JwtSigner, type SigningAlgorithm } from './signer';

/** The header `typ` of access tokens (RFC 9068 §2.1): no other token of the service carries it (signer.ts). */
export const ACCESS_TOKEN_TYPE = 'at+jwt';

/**
 * The private claim Kong's jwt plugin finds the user's credential by
 * (kong.yml's `key_claim_name`): the key of the user's Kong credential,
 * Kong-generated for HS256, `<issuer>.<kid>` per user and signing key for
 * ES256/RS256 (lib/kong/credentials.ts). In the payload, where Kong looks
 * first (`claims[key_claim_name] or header[key_claim_name]`, Kong 3.9
 * kong/plugins/jwt/handler.lua); `iss` stays the issuer URL.
 */
export const CREDENTIAL_KEY_CLAIM = 'ckey';

/** An access token's claims (RFC 9068 §2.2), and `sid` and the credential key. */
export interface AccessTokenClaims {
  /** The service's issuer URL: the discovery document's `issuer`. */
  iss: string;
  sub: string;
  /** The resource audiences configured (ACCESS_TOKEN_AUDIENCE): one string, or an array of several. */
  aud: string | string[];
  /** The client the token was issued to: the first-party client for signin and refresh. */
  client_id: string;
  /** Space-separated scopes (RFC 6749 §3.3). */
  scope: string;
  iat: number;
  exp: number;
  jti: string;
  /** The session (one per signin) this token belongs to. */
  sid: string;
  /** The key of the user's Kong credential (CREDENTIAL_KEY_CLAIM). */
  ckey: string;
  /** How the user signed in (RFC 8176: pwd, otp, hwk, swk, user, mfa) and when (OIDC Core §2): the session's, kept across refreshes. */
  amr?: string[];
  auth_time?: number;
}

/** What a session knows of its sign-in, for its tokens' `amr` and `auth_time`. */
export interface SignInMethods {
  amr: string[];
  authTime: number;
}

/** Whom a token is issued to and for what: the first-party client's grant on the seeds' signin and refresh routes. */
export interface Grant {
  clientId: string;
  scope: string;
}

/** What every access token of the service says about its issuer and audience, and the first-party grant. */
export interface AccessTokenProfile {
  /** ISSUER_URL. */
  issuer: string;
  /** ACCESS_TOKEN_AUDIENCE: at least one; a token carries them all and must carry one of them to verify here. */
  audience: readonly string[];
  firstParty: Grant;
}

/**
 * What a token is verified with: the key, the one algorithm accepted with it,
 * and the credential key the token must carry (the Kong credential's key,
 * which Kong found the credential by).
 */
export interface VerificationKey {
  credentialKey: string;
  algorithm: SigningAlgorithm;
  key: KeyObject;
}

/**
 * Finds the key a token claims to be signed with, or undefined if there is
 * none (the shape of jose's `jwtVerify(token, getKey)`): rotation needs no
 * change here, only a resolver that knows the new key.
 */
export type KeyResolver = (claims: UnverifiedClaims) => Promise<VerificationKey | undefined> | VerificationKey | undefined;

/** An HS256 secret as a KeyObject, prepared once: the signer and jose's verify take it as it is. */
export const secretKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

/** What a token claims before it is verified; `kid` is its header's, present on tokens signed with the service's own keys. */
export type UnverifiedClaims = Pick<AccessTokenClaims, 'ckey' | 'sub' | 'jti' | 'sid'> & { kid?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * What the service itself issues, and nothing looser: a token that does not
 * fit is refused before any key or storage is looked up, so junk costs no
 * DynamoDB call and cannot reach one with values it would reject.
 */
const identifyingClaims = v.object({
  ckey: v.pipe(v.string(), v.minLength(1), v.maxLength(256)),
  sub: v.pipe(v.string(), v.regex(USERNAME_PATTERN)),
  jti: v.pipe(v.string(), v.regex(UUID)),
  sid: v.pipe(v.string(), v.regex(UUID)),
});
/** `typ` at+jwt, and `kid` an RFC 7638 thumbprint, as the service names its keys. */
const headerFields = v.object({
  typ: v.custom<string>((typ) => normalizedType(typ) === ACCESS_TOKEN_TYPE),
  kid: v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/))),
});
/**
 * The token in an `Authorization: Bearer` header (RFC 6750 §2.1): the scheme
 * is case-insensitive, one or more spaces may follow it, and the token is
 * b64token characters. Every protected route reads it through here.
 */
export function bearerToken(header: string | undefined): string | undefined {
  return /^[ \t]*bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)[ \t]*$/i.exec(header ?? '')?.[1];
}

/**
 * Signs access tokens (RFC 9068) of a fixed lifetime and reads what one
 * claims; VerifyingAccessTokens (access-token-verifier.ts) also verifies
 * them, apart so that the functions that only sign bundle no jose `jwtVerify`
 * (17 kB; issue 27).
 */
export class AccessTokens {
  /**
   * @param ttlSeconds the lifetime of the tokens this service signs
   * @param maxLifetimeSeconds the longest lifetime accepted, as Kong's jwt
   *   `maximum_expiration`: no token may live longer, wherever it came from
   * @param profile the issuer and audiences every token carries, and the first-party grant
   */
  constructor(
    private readonly ttlSeconds: number,
    protected readonly maxLifetimeSeconds: number,
    protected readonly profile: AccessTokenProfile,
  ) {
    if (profile.audience.length === 0) throw new RangeError('an access token needs an audience');
  }

  /**
   * A token for `subject` in session `sessionId`, carrying `credentialKey`
   * (the Kong credential's key) for Kong to find the credential by; `grant`
   * is the first-party client's unless said (the token endpoint's clients).
   */
  async sign(subject: string, sessionId: string, credentialKey: string, signer: JwtSigner, grant: Grant = this.profile.firstParty, signedIn?: SignInMethods) {
    const iat = nowSeconds();
    const { issuer, audience } = this.profile;
    const claims: AccessTokenClaims = {
      iss: issuer,
      sub: subject,
      aud: audience.length === 1 ? audience[0] : [...audience],
      client_id: grant.clientId,
      scope: grant.scope,
      iat,
      exp: iat + this.ttlSeconds,
      jti: randomUUID(),
      sid: sessionId,
      ckey: credentialKey,
      ...(signedIn && { amr: [...signedIn.amr], auth_time: signedIn.authTime }),
    };
    return { token: await signer.sign(claims, ACCESS_TOKEN_TYPE), claims };
  }

  /**
   * A client's token for itself (the client-credentials grant, RFC 6749
   * §4.4): `sub` = `client_id`, signed with the service's own key (`signer`,
   * whose `kid` is in the JWKS) in every mode. It carries no `ckey` and no
   * `sid`: no user, no Kong consumer, no session. Kong's jwt plugin finds no
   * credential for it and so refuses it on the user routes (/api/jwt/*);
   * it is for resource servers that verify with the JWKS (issuer, audience,
   * typ), which tell it from a user's by `sub` = `client_id`.
   */
  async signForClient(clientId: string, scope: string, signer: JwtSigner) {
    const iat = nowSeconds();
    const { issuer, audience } = this.profile;
    const claims = {
      iss: issuer,
      sub: clientId,
      aud: audience.length === 1 ? audience[0] : [...audience],
      client_id: clientId,
      scope,
      iat,
      exp: iat + this.ttlSeconds,
      jti: randomUUID(),
    };
    return { token: await signer.sign(claims, ACCESS_TOKEN_TYPE), claims };
  }

  /**
   * What a token claims before it is verified, if it is shaped like one this
   * service issues (`typ` at+jwt, a credential key, a username, ids): needed
   * to find the key and the state to verify it against.
   */
  unverifiedClaims(token: string): UnverifiedClaims | undefined {
    let decoded: { payload: unknown; header: unknown } | undefined;
    try {
      decoded = { payload: decodeJwt(token), header: decodeProtectedHeader(token) };
    } catch {
      return undefined;
    }
    const claims = v.safeParse(identifyingClaims, decoded.payload);
    const head = v.safeParse(headerFields, decoded.header);
    if (!claims.success || !head.success) return undefined;
    const { ckey, sub, jti, sid } = claims.output;
    const { kid } = head.output;
    return kid === undefined ? { ckey, sub, jti, sid } : { ckey, sub, jti, sid, kid };
  }
}
