// The account a browser session belongs to, for the routes a signed-in page calls with its cookie.
import { isActive, type ActiveAccount } from '../accounts/account';
import { sessionIdFrom } from '../browser-sessions';
import { AppError } from '../platform/errors';
import type { Event } from '../platform/http';
import { accounts } from './accounts';
import { browserConfig, browserSessions } from './browser-sessions';

/** The live session's account, if it is still that very account and active; else 401 login_required. */
export async function browserAccount(event: Event): Promise<ActiveAccount> {
  const session = await browserSessions.resume(sessionIdFrom(event.headers.cookie, browserConfig.cookieSecure));
  if (!session) throw new AppError('login_required');
  const account = await accounts.get(session.username);
  if (!isActive(account) || account.id !== session.accountId) throw new AppError('login_required');
  return account;
}
