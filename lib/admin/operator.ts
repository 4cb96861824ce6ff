import { USERNAME_PATTERN } from '../accounts/schemas';
import type { Operator } from '../flows/account-admin';
import { AppError } from '../platform/errors';
import type { Event } from '../platform/http';

/** The acl group whose consumers are operators (kong/kong.yml, service `admin`; docs/admin.md). */
export const ADMIN_GROUP = 'auth-admins';

/**
 * The operator Kong authenticated: key-auth sets X-Consumer-ID and
 * X-Consumer-Username (replacing any a client sent), and acl sets
 * X-Consumer-Groups. Kong has already refused anyone else (401 without a key,
 * 403 outside the group); this checks again, so that a route wired without
 * those plugins fails closed instead of open.
 */
export function operatorOf(event: Event): Operator {
  const consumerId = event.headers['x-consumer-id'];
  if (!consumerId) throw new AppError('invalid_client');
  const groups = (event.headers['x-consumer-groups'] ?? '').split(',').map((group) => group.trim());
  if (!groups.includes(ADMIN_GROUP)) throw new AppError('forbidden');
  return { consumerId, consumer: event.headers['x-consumer-username'] ?? consumerId };
}

/**
 * The username a path ends with (`/api/admin/users/{username}`): Kong routes
 * the prefix and hands over the whole path, so it is read from there. Names
 * are stored lowercase; anything not shaped like one is no user (404).
 */
export function usernameIn(event: Event, prefix: string): string {
  const path = event.path ?? '';
  if (!path.startsWith(prefix)) throw new AppError('user_not_found');
  let name: string;
  try {
    name = decodeURIComponent(path.slice(prefix.length).replace(/\/$/, '')).toLowerCase();
  } catch {
    throw new AppError('user_not_found');
  }
  if (!USERNAME_PATTERN.test(name)) throw new AppError('user_not_found');
  return name;
}
