// The account a browser session belongs to, for the routes a signed-in page calls with its cookie.
import { isActive, type ActiveAccount } from '../accounts/account';
import { sessionIdFrom } from '../browser-sessions';
import type { StepUpCaller } from '../flows/second-factors';
import { AppError } from '../platform/errors';
import type { Event } from '../platform/http';
import { accounts } from './accounts';
import { browserConfig, browserSessions } from './browser-sessions';

/**
 * The live session's account and how it signed in (its amr and auth time,
 * for the step-up of sensitive changes), if it is still that very account
 * and active; else 401 login_required. No `sid`: the browser session id is
 * the cookie's secret, never a key of the attempts table; codes count on the
 * account's lane.
 */
export async function browserCaller(event: Event): Promise<StepUpCaller & { account: ActiveAccount }> {
  const session = await browserSessions.resume(sessionIdFrom(event.headers.cookie, browserConfig.cookieSecure));
  if (!session) throw new AppError('login_required');
  const account = await accounts.get(session.username);
  if (!isActive(account) || account.id !== session.accountId) throw new AppError('login_required');
  return { account, claims: { amr: session.amr, auth_time: session.authTime } };
}

/** The live session's account, if it is still that very account and active; else 401 login_required. */
export async function browserAccount(event: Event): Promise<ActiveAccount> {
  return (await browserCaller(event)).account;
}
