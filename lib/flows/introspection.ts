import { isActive } from '../accounts/account';
import type { Accounts } from '../accounts/accounts';
import type { TokenSessions } from '../token-sessions/token-sessions';
import type { Grant } from '../tokens/access-tokens';
import { looksLikeJwt } from '../tokens/refresh-tokens';
import type { CheckAccessToken } from './access-token';

/** An RFC 7662 §2.2 answer: `active` alone when the token is not. */
export type Introspection =
  | { active: false }
  | {
      active: true;
      sub: string;
      username: string;
      exp: number;
      iat?: number;
      sid: string;
      /** The issuer URL: the access token's `iss`, and the issuer of refresh tokens. */
      iss: string;
      /** An access token's audiences, as it carries them; a refresh token has none but this service. */
      aud?: string | string[];
      client_id: string;
      scope: string;
      /** Which kind of token it is, named as RFC 7009's token_type_hint names them. */
      token_type: 'access_token' | 'refresh_token';
    };

const INACTIVE: Introspection = { active: false };

export interface IntrospectionDeps {
  checkAccessToken: CheckAccessToken;
  tokenSessions: Pick<TokenSessions, 'inspectRefreshToken'>;
  accounts: Pick<Accounts, 'get'>;
  /**
   * Whose refresh tokens these are: the issuer URL, and the client and scope
   * of the seeds' first-party signin (a refresh token's session records none;
   * the token endpoint's sessions will).
   */
  refreshTokens: { issuer: string; firstParty: Grant };
}

/**
 * RFC 7662 introspection for resource services: whether a token the service
 * issued is active now, reflecting every revocation at once (sign-out,
 * sign-out everywhere, password change, refresh-token reuse). Unknown, malformed,
 * expired, revoked or ended → `{active: false}`, never an error. Looking at a
 * refresh token does not use it.
 */
export function introspection({ checkAccessToken, tokenSessions, accounts, refreshTokens }: IntrospectionDeps) {
  return async function introspect(token: string): Promise<Introspection> {
    if (looksLikeJwt(token)) {
      const checked = await checkAccessToken(token);
      if (!checked || checked.state !== 'live') return INACTIVE;
      const { account, claims } = checked;
      const { sub, exp, iat, sid, iss, aud, client_id, scope } = claims;
      return { active: true, sub, username: account.username, exp, iat, sid, iss, aud, client_id, scope, token_type: 'access_token' };
    }
    const refresh = await tokenSessions.inspectRefreshToken(token);
    if (!refresh) return INACTIVE;
    const account = await accounts.get(refresh.username);
    // The very account the session was started for, not a later one of the same name.
    if (!isActive(account) || (refresh.accountId !== undefined && refresh.accountId !== account.id)) return INACTIVE;
    return {
      active: true,
      sub: refresh.username,
      username: account.username,
      exp: refresh.expiresAt,
      ...(refresh.issuedAt === undefined ? {} : { iat: refresh.issuedAt }),
      sid: refresh.sessionId,
      iss: refreshTokens.issuer,
      client_id: refreshTokens.firstParty.clientId,
      scope: refreshTokens.firstParty.scope,
      token_type: 'refresh_token',
    };
  };
}
