import type { SigningKeys } from '../keys/signing-keys';

/** How long an ID token is good for: it is read once, at sign-in (OIDC Core §3.1.3.7). */
export const ID_TOKEN_TTL_SECONDS = 300;

/**
 * OpenID Connect ID tokens (OIDC Core §2): `typ` JWT, `aud` the client's id,
 * so that neither an access token (`at+jwt`, aud the resource audience) nor
 * an identity token (`identity+jwt`, aud the profile service) can stand in
 * for one, nor one for them. Always signed with the service's own key (its
 * `kid` in the JWKS), also when access tokens are HS256 (each user's Kong
 * secret): an HS256 ID token would have to be signed with the client's
 * secret (OIDC Core §10.1), which is stored only as a hash, and public
 * clients have none.
 */
export function idTokens(signingKeys: Pick<SigningKeys, 'signJwt'>) {
  return function idToken(claims: { clientId: string; username: string; nonce?: string; authTime: number; amr: string[] }): Promise<string> {
    const { clientId, username, nonce, authTime, amr } = claims;
    return signingKeys.signJwt(
      { aud: clientId, sub: username, azp: clientId, auth_time: authTime, amr, ...(nonce === undefined ? {} : { nonce }) },
      ID_TOKEN_TTL_SECONDS,
      'JWT',
    );
  };
}
