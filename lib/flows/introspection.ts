import { isActive } from '../accounts/account';
import type { Accounts } from '../accounts/accounts';
import type { TokenSessions } from '../token-sessions/token-sessions';
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
      /** Which kind of token it is, named as RFC 7009's token_type_hint names them. */
      token_type: 'access_token' | 'refresh_token';
    };

const INACTIVE: Introspection = { active: false };

export interface IntrospectionDeps {
  checkAccessToken: CheckAccessToken;
  tokenSessions: Pick<TokenSessions, 'inspectRefreshToken'>;
  accounts: Pick<Accounts, 'get'>;
}

/**
 * RFC 7662 introspection for resource services: whether a token the service
 * issued is active now, reflecting every revocation at once (sign-out,
 * sign-out everywhere, password change, refresh-token reuse). Unknown, malformed,
 * expired, revoked or ended → `{active: false}`, never an error. Looking at a
 * refresh token does not use it.
 */
export function introspection({ checkAccessToken, tokenSessions, accounts }: IntrospectionDeps) {
  return async function introspect(token: string): Promise<Introspection> {
    if (looksLikeJwt(token)) {
      const checked = await checkAccessToken(token);
      if (!checked || checked.state !== 'live') return INACTIVE;
      const { account, claims } = checked;
      return { active: true, sub: claims.sub, username: account.username, exp: claims.exp, iat: claims.iat, sid: claims.sid, token_type: 'access_token' };
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
      token_type: 'refresh_token',
    };
  };
}
