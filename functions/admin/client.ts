import { operatorOf } from '../../lib/admin/operator';
import { clientAdmin } from '../../lib/composition/client-admin';
import { route } from '../../lib/platform/http';

const PREFIX = '/api/admin/clients/';

/** The client id a path ends with: Kong routes the prefix and hands over the whole path. */
function clientIdIn(path: string): string {
  if (!path.startsWith(PREFIX)) return '';
  try {
    return decodeURIComponent(path.slice(PREFIX.length).replace(/\/$/, ''));
  } catch {
    return '';
  }
}

/** DELETE /api/admin/clients/{client_id}: the client can no longer authenticate; 204 again for a client already gone. */
export const handler = route(async (event) => {
  const operator = operatorOf(event);
  await clientAdmin.remove(operator, clientIdIn(event.path ?? ''));
  return { statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' };
});
