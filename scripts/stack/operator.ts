/**
 * `npm start`'s local operator (docs/operators.md): a Kong consumer
 * `local-operator` with a key-auth key, in the acl group auth-admins, so that
 * the admin API (/api/admin/…) can be tried at once. Made through the
 * gateway's Admin API, as an operator makes one by hand.
 *
 * Its key is kept in the data folder beside the forward-auth key, private to
 * its owner, and reused at every start: the gateway keeps consumers in its
 * data file and deletes no key, so a new key each time would leave every old
 * one working. Only keys this file holds are added; none is removed (an
 * operator may have added others on purpose).
 */
import path from 'node:path';
import { persistedKey } from './forward-auth-key';
import { request } from './http';

export const LOCAL_OPERATOR = 'local-operator';
export const OPERATOR_KEY_FILE = 'operator-key';
const ADMIN_GROUP = 'auth-admins';

async function expect2xx(what: string, answer: Promise<{ status: number; body: unknown }>) {
  const { status, body } = await answer;
  if (status < 200 || status > 299) throw new Error(`${what} answered ${status}: ${JSON.stringify(body)}`);
  return body as { data?: Array<Record<string, unknown>> };
}

/** Makes sure the local operator exists with the kept key and the group; answers the key file's path. */
export async function ensureLocalOperator(adminUrl: string, dataDir: string): Promise<{ consumer: string; keyFile: string }> {
  const key = await persistedKey(dataDir, OPERATOR_KEY_FILE);
  const consumer = `${adminUrl}/consumers/${LOCAL_OPERATOR}`;
  await expect2xx('PUT consumer', request(consumer, { method: 'PUT', body: { username: LOCAL_OPERATOR } }));
  const keys = await expect2xx('GET key-auth', request(`${consumer}/key-auth?size=1000`));
  if (!(keys.data ?? []).some((credential) => credential.key === key)) {
    await expect2xx('POST key-auth', request(`${consumer}/key-auth`, { method: 'POST', body: { key } }));
  }
  const acls = await expect2xx('GET acls', request(`${consumer}/acls?size=1000`));
  if (!(acls.data ?? []).some((acl) => acl.group === ADMIN_GROUP)) {
    await expect2xx('POST acls', request(`${consumer}/acls`, { method: 'POST', body: { group: ADMIN_GROUP } }));
  }
  return { consumer: LOCAL_OPERATOR, keyFile: path.join(dataDir, OPERATOR_KEY_FILE) };
}
