import type { Account } from '../accounts/account';

/**
 * The claims a scope lets a client read (OIDC Core §5.4): `openid` the
 * subject (the username, as `sub` of every token), `profile` the username
 * and first name, `email` the address and whether it was verified. A claim
 * the account lacks is left out, never sent empty. `email` and
 * `emailVerified` are read as the account carries them (lib/accounts), when
 * it does; the ID token carries only what identifies the sign-in.
 */
export function userInfoClaims(account: Pick<Account, 'username' | 'email' | 'firstName'> & { emailVerified?: boolean }, scope: string): Record<string, string | boolean> {
  const scopes = scope.split(' ');
  const claims: Record<string, string | boolean> = { sub: account.username };
  if (scopes.includes('profile')) {
    claims.preferred_username = account.username;
    if (account.firstName) claims.given_name = account.firstName;
  }
  if (scopes.includes('email') && account.email) {
    claims.email = account.email;
    if (typeof account.emailVerified === 'boolean') claims.email_verified = account.emailVerified;
  }
  return claims;
}
