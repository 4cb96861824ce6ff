import { isActive } from '../accounts/account';
import type { Accounts } from '../accounts/accounts';
import type { SigningKeys } from '../keys/signing-keys';
import { hashCode, s256, type AuthorizationCodeStore } from '../oauth-clients/codes';
import type { OAuthClient } from '../oauth-clients/client';
import type { ClientCredentials, OAuthClients } from '../oauth-clients/registry';
import { nowSeconds } from '../platform/clock';
import { AppError } from '../platform/errors';
import type { Client } from '../platform/http';
import { securityEvent } from '../platform/security-events';
import type { TokenResponse } from '../token-sessions/token-session';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { AccessTokens } from '../tokens/access-tokens';
import { passwordAttempt, type PasswordAttemptDeps } from './sign-in';
import type { TokenSubjects } from './subject';

/** The scopes the service grants users' clients (OIDC Core §5.4); a request for any other is invalid_scope. */
export const SUPPORTED_SCOPES = ['openid', 'profile', 'email'] as const;

/** The grants the token endpoint takes (RFC 6749 §4). */
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'password', 'client_credentials'] as const;

/** The form fields of a token request (RFC 6749 §4.1.3, §4.3.2, §4.4.2, §6). */
export interface TokenRequest {
  grant_type?: string;
  code?: string;
  redirect_uri?: string;
  code_verifier?: string;
  refresh_token?: string;
  username?: string;
  password?: string;
  scope?: string;
}

export interface OAuthTokenDeps extends PasswordAttemptDeps {
  oauthClients: Pick<OAuthClients, 'authenticate'>;
  accounts: Pick<Accounts, 'get'>;
  tokenSessions: Pick<TokenSessions, 'startGranted' | 'refresh' | 'revoke'> & { revokeSession(sessionId: string): Promise<void> };
  subjects: Pick<TokenSubjects, 'forSignIn' | 'forRefresh'>;
  accessTokens: Pick<AccessTokens, 'signForClient'>;
  signingKeys: Pick<SigningKeys, 'current'>;
  codes: AuthorizationCodeStore;
  /** The ID token of a code's grant (lib/flows/id-tokens.ts). */
  idToken(claims: { clientId: string; username: string; nonce?: string; authTime: number; amr: string[] }): Promise<string>;
}

const invalidGrant = (message: string) => new AppError('invalid_grant', message);

/** `scope` as asked, each one supported, in a stable order; `fallback` when absent. */
export function grantedScope(requested: string | undefined, fallback: string): string {
  if (requested === undefined) return fallback;
  const names = requested.split(' ');
  if (names.some((name) => !(SUPPORTED_SCOPES as readonly string[]).includes(name))) throw new AppError('invalid_scope');
  return SUPPORTED_SCOPES.filter((name) => names.includes(name)).join(' ');
}

/**
 * The one OAuth token endpoint (RFC 6749 §3.2): the client authenticates
 * (§2.3), then its grant is checked and answered. The seeds' signin and
 * refresh routes stay as they are beside it; tokens from here carry the
 * client's id and the granted scope, and their refresh tokens are bound to
 * that client.
 */
export function oauthTokenFlow(deps: OAuthTokenDeps) {
  const { oauthClients, accounts, tokenSessions, subjects, accessTokens, signingKeys, codes } = deps;

  async function password(client: OAuthClient, request: TokenRequest, caller: Client): Promise<TokenResponse> {
    // The password grant hands the user's password to the client (RFC 9700 §2.4): first-party apps only.
    if (!client.firstParty) throw new AppError('unauthorized_client', 'The password grant is for first-party clients only');
    if (!request.username || !request.password) throw new AppError('invalid_request', 'username and password are required');
    const scope = grantedScope(request.scope, SUPPORTED_SCOPES.join(' '));
    let authenticated;
    try {
      authenticated = await passwordAttempt(deps, request.username, request.password, caller);
    } catch (error) {
      // RFC 6749 §5.2: wrong resource-owner credentials are invalid_grant; the same for an unknown user.
      if (error instanceof AppError && error.code === 'invalid_credentials') throw invalidGrant('Invalid username or password');
      throw error;
    }
    const subject = await subjects.forSignIn(authenticated.account);
    return (await tokenSessions.startGranted(subject, caller, { clientId: client.id, scope }, authenticated.signedIn)).tokens;
  }

  async function refresh(client: OAuthClient, request: TokenRequest): Promise<TokenResponse> {
    if (!request.refresh_token) throw new AppError('invalid_request', 'refresh_token is required');
    if (request.scope !== undefined) grantedScope(request.scope, '');
    // A refresh never widens the grant: the session's scope stands, whatever scope is asked (RFC 6749 §6 allows narrowing; not offered).
    return tokenSessions.refresh(
      request.refresh_token,
      async (username) => {
        const account = await accounts.get(username);
        return isActive(account) ? subjects.forRefresh(account) : undefined;
      },
      client.id,
    );
  }

  async function clientCredentials(client: OAuthClient, request: TokenRequest) {
    if (client.public) throw new AppError('unauthorized_client', 'Public clients cannot use the client_credentials grant');
    // A client acting for itself has none of a user's scopes.
    if (request.scope !== undefined && request.scope !== '') throw new AppError('invalid_scope', 'No scope can be requested with client_credentials');
    const { signer } = await signingKeys.current();
    const access = await accessTokens.signForClient(client.id, '', signer);
    return { access_token: access.token, token_type: 'Bearer' as const, expires_in: access.claims.exp - access.claims.iat };
  }

  async function authorizationCode(client: OAuthClient, request: TokenRequest, caller: Client): Promise<TokenResponse> {
    if (!request.code || !request.redirect_uri || !request.code_verifier) {
      throw new AppError('invalid_request', 'code, redirect_uri and code_verifier are required');
    }
    const hash = hashCode(request.code);
    const redeemed = await codes.redeem(hash, nowSeconds());
    if ('reused' in redeemed) {
      // RFC 6749 §4.1.2: a code used twice revokes what it issued.
      if (redeemed.sessionId) await tokenSessions.revokeSession(redeemed.sessionId);
      securityEvent('authorization_code_reused', { clientId: client.id, sessionId: redeemed.sessionId });
      throw invalidGrant('The code was already used');
    }
    if ('unknown' in redeemed) throw invalidGrant('Invalid or expired code');
    const { code } = redeemed;
    if (code.clientId !== client.id || code.redirectUri !== request.redirect_uri || s256(request.code_verifier) !== code.codeChallenge) {
      throw invalidGrant('The code was not issued for this client, redirect_uri or code_verifier');
    }
    const account = await accounts.get(code.username);
    if (!isActive(account) || account.id !== code.accountId) throw invalidGrant('Invalid or expired code');
    const subject = await subjects.forSignIn(account);
    const { tokens, sessionId } = await tokenSessions.startGranted(subject, caller, { clientId: client.id, scope: code.scope }, { amr: code.amr, authTime: code.authTime });
    if ((await codes.issued(hash, sessionId)).reusedMeanwhile) {
      await tokenSessions.revokeSession(sessionId);
      throw invalidGrant('The code was already used');
    }
    const openid = code.scope.split(' ').includes('openid');
    const idToken = openid
      ? await deps.idToken({ clientId: client.id, username: account.username, nonce: code.nonce, authTime: code.authTime, amr: code.amr })
      : undefined;
    return { ...tokens, ...(idToken === undefined ? {} : { id_token: idToken }) };
  }

  return async function token(credentials: ClientCredentials, request: TokenRequest, caller: Client) {
    const client = await oauthClients.authenticate(credentials);
    switch (request.grant_type) {
      case 'password':
        return password(client, request, caller);
      case 'refresh_token':
        return refresh(client, request);
      case 'client_credentials':
        return clientCredentials(client, request);
      case 'authorization_code':
        return authorizationCode(client, request, caller);
      case undefined:
        throw new AppError('invalid_request', 'grant_type is required');
      default:
        throw new AppError('unsupported_grant_type', `grant_type must be one of ${GRANT_TYPES.join(', ')}`);
    }
  };
}
