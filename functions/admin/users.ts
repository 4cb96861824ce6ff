import { operatorOf } from '../../lib/admin/operator';
import { accountRecordsAdmin as accountAdmin } from '../../lib/composition/account-records-admin';
import { AppError } from '../../lib/platform/errors';
import { json, route } from '../../lib/platform/http';

const PAGE_SIZE = 50;

/** GET /api/admin/users?q=PREFIX&cursor=…: accounts whose username or email starts with q, a page at a time. */
export const handler = route(async (event) => {
  const operator = operatorOf(event);
  const { q = '', cursor } = event.queryStringParameters ?? {};
  if (q.length > 254) throw new AppError('invalid_request', 'q: is too long');
  // Names are stored lowercase; emails as given (a prefix of either).
  return json(200, await accountAdmin.search(operator, q, PAGE_SIZE, cursor || undefined));
});
