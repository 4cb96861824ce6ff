import { accounts } from '../../lib/composition/accounts';
import { checkAccessToken } from '../../lib/composition/caller';
import { userInfoClaims } from '../../lib/flows/userinfo';
import { json, route } from '../../lib/platform/http';
import { bearerToken } from '../../lib/tokens/access-tokens';

const refused = () =>
  json(401, { code: 'invalid_token', message: 'Unauthorized', error: 'invalid_token', error_description: 'Unauthorized' }, { 'WWW-Authenticate': 'Bearer error="invalid_token"' });

/**
 * GET or POST /oauth2/userinfo (OIDC Core §5.3), with an access token of the
 * service's whose scope includes `openid` and whose session stands: the
 * claims its scopes allow (userinfo.ts). Anything else is 401 with an RFC
 * 6750 challenge, alike.
 */
export const handler = route(async (event) => {
  const token = bearerToken(event.headers.authorization);
  const checked = token === undefined ? undefined : await checkAccessToken(token);
  if (!checked || checked.state !== 'live' || !checked.claims.scope.split(' ').includes('openid')) return refused();
  const account = await accounts.get(checked.account.username);
  if (!account || account.id !== checked.account.id) return refused();
  return json(200, userInfoClaims(account, checked.claims.scope));
});
