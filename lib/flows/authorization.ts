import type { BrowserSession } from '../browser-sessions/session';
import { CODE_TTL_SECONDS, newCode, type AuthorizationCodeStore } from '../oauth-clients/codes';
import type { OAuthClient } from '../oauth-clients/client';
import type { ConsentStore } from '../oauth-clients/consents';
import type { OAuthClients } from '../oauth-clients/registry';
import { nowSeconds } from '../platform/clock';
import { authenticationOf } from './authentication';
import { SUPPORTED_SCOPES } from './oauth-token';

/** The authorization request's parameters (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1), as strings. */
export type AuthorizationParams = Partial<
  Record<
    'client_id' | 'redirect_uri' | 'response_type' | 'scope' | 'state' | 'nonce' | 'code_challenge' | 'code_challenge_method' | 'prompt' | 'max_age' | 'login_after',
    string
  >
>;

/** The parameters carried through the sign-in and consent pages, in this order. */
export const CARRIED_PARAMS = ['client_id', 'redirect_uri', 'response_type', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'prompt', 'max_age', 'login_after'] as const;

export type AuthorizeOutcome =
  /** Before the client and its redirect URI are known good: shown to the user, never redirected (RFC 6749 §4.1.2.1). */
  | { kind: 'error-page'; message: string }
  /** A code or an error for the client, at its registered redirect URI, with `iss` (RFC 9207). */
  | { kind: 'redirect'; location: string; viaSignIn: boolean }
  /** To the sign-in page, coming back to `next`. */
  | { kind: 'signin'; next: string }
  /** The consent page for a third-party client. */
  | { kind: 'consent'; client: OAuthClient; scopes: string[]; params: AuthorizationParams };

export interface AuthorizationDeps {
  oauthClients: Pick<OAuthClients, 'get'>;
  codes: Pick<AuthorizationCodeStore, 'issue'>;
  consents: ConsentStore;
  issuer: string;
}

const PKCE_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

function query(params: AuthorizationParams): string {
  const search = new URLSearchParams();
  for (const name of CARRIED_PARAMS) if (params[name] !== undefined) search.set(name, params[name]!);
  return search.toString();
}

/**
 * The authorization endpoint (RFC 6749 §4.1, OIDC Core §3.1.2) for a
 * browser that may hold a session (design 003): response_type=code only,
 * PKCE S256 for every client, exact redirect URI match. Sign-in happens on
 * the service's own sign-in page; first-party clients skip consent,
 * third-party ones get it once per user and client.
 */
export function authorizationFlow({ oauthClients, codes, consents, issuer }: AuthorizationDeps) {
  return async function authorize(params: AuthorizationParams, session: BrowserSession | undefined, decision?: 'allow' | 'deny'): Promise<AuthorizeOutcome> {
    const clientId = params.client_id;
    const client = clientId && clientId.length <= 256 ? await oauthClients.get(clientId) : undefined;
    if (!client) return { kind: 'error-page', message: 'This application is not registered here.' };
    if (!params.redirect_uri || !client.redirectUris.includes(params.redirect_uri)) {
      return { kind: 'error-page', message: 'The address this application asked to return to is not one it registered.' };
    }
    const redirectUri = params.redirect_uri;
    const viaSignIn = params.login_after !== undefined;
    const answer = (fields: Record<string, string | undefined>): AuthorizeOutcome => {
      const url = new URL(redirectUri);
      for (const [name, value] of Object.entries({ ...fields, state: params.state, iss: issuer })) if (value !== undefined) url.searchParams.set(name, value);
      return { kind: 'redirect', location: url.toString(), viaSignIn };
    };
    const error = (code: string, description: string) => answer({ error: code, error_description: description });

    if (params.response_type !== 'code') return error('unsupported_response_type', 'response_type must be code');
    if (params.code_challenge_method !== 'S256' || !params.code_challenge || !PKCE_CHALLENGE.test(params.code_challenge)) {
      return error('invalid_request', 'PKCE is required: code_challenge with code_challenge_method S256');
    }
    const requested = (params.scope ?? '').split(' ').filter(Boolean);
    if (requested.length === 0 || requested.some((scope) => !(SUPPORTED_SCOPES as readonly string[]).includes(scope))) {
      return error('invalid_scope', `scope must name some of: ${SUPPORTED_SCOPES.join(' ')}`);
    }
    const scopes = SUPPORTED_SCOPES.filter((scope) => requested.includes(scope));
    if ((params.state?.length ?? 0) > 1024 || (params.nonce?.length ?? 0) > 512) return error('invalid_request', 'state or nonce is too long');
    const prompts = (params.prompt ?? '').split(' ').filter(Boolean);
    if (prompts.some((prompt) => !['none', 'login', 'consent'].includes(prompt)) || (prompts.includes('none') && prompts.length > 1)) {
      return error('invalid_request', 'prompt may be none, login or consent');
    }
    const maxAge = params.max_age === undefined ? undefined : /^\d{1,9}$/.test(params.max_age) ? Number(params.max_age) : NaN;
    const loginAfter = params.login_after === undefined ? undefined : /^\d{1,12}$/.test(params.login_after) ? Number(params.login_after) : NaN;
    if (Number.isNaN(maxAge) || Number.isNaN(loginAfter)) return error('invalid_request', 'max_age must be a number of seconds');

    const now = nowSeconds();
    const authentication = session && authenticationOf(session);
    const needsSignIn =
      !session ||
      !authentication ||
      prompts.includes('login') ||
      (maxAge !== undefined && now - authentication.authTime > maxAge) ||
      (loginAfter !== undefined && session.createdAt < loginAfter);
    if (needsSignIn) {
      if (prompts.includes('none')) return error('login_required', 'The user is not signed in');
      // Back here once signed in: no longer asking for a sign-in, but for one made after now.
      const next = { ...params, prompt: prompts.filter((prompt) => prompt !== 'login').join(' ') || undefined, max_age: undefined, login_after: String(now) };
      return { kind: 'signin', next: `/oauth2/authorize?${query(next)}` };
    }

    if (!client.firstParty) {
      const granted = await consents.get(session.accountId, client.id);
      const covered = granted !== undefined && scopes.every((scope) => granted.includes(scope)) && !prompts.includes('consent');
      if (!covered) {
        if (decision === 'deny') return error('access_denied', 'The user did not allow the application');
        if (decision !== 'allow') {
          if (prompts.includes('none')) return error('consent_required', 'The user has not allowed this application yet');
          return { kind: 'consent', client, scopes, params };
        }
        await consents.grant(session.accountId, client.id, [...new Set([...(granted ?? []), ...scopes])]);
      }
    }

    const { code, hash } = newCode();
    await codes.issue(hash, {
      clientId: client.id,
      redirectUri,
      codeChallenge: params.code_challenge,
      scope: scopes.join(' '),
      ...(params.nonce === undefined ? {} : { nonce: params.nonce }),
      accountId: session.accountId,
      username: session.username,
      authTime: authentication.authTime,
      amr: authentication.amr,
      expiresAt: now + CODE_TTL_SECONDS,
    });
    return answer({ code });
  };
}
