import { operatorOf, usernameIn } from '../../../lib/admin/operator';
import type { Event } from '../../../lib/platform/http';

const event = (headers: Record<string, string>, path = '/api/admin/users/alice') => ({ headers, path }) as unknown as Event;

it('takes the operator from the headers Kong sets, and fails closed without them', () => {
  expect(operatorOf(event({ 'x-consumer-id': 'c-1', 'x-consumer-username': 'ops.alice', 'x-consumer-groups': 'token-introspection, auth-admins' }))).toEqual({
    consumer: 'ops.alice',
    consumerId: 'c-1',
  });
  // A route wired without key-auth: no consumer at all.
  expect(() => operatorOf(event({ 'x-consumer-groups': 'auth-admins' }))).toThrow(expect.objectContaining({ status: 401, code: 'invalid_client' }));
  // Without acl (or outside the group): forbidden.
  expect(() => operatorOf(event({ 'x-consumer-id': 'c-1' }))).toThrow(expect.objectContaining({ status: 403, code: 'forbidden' }));
  expect(() => operatorOf(event({ 'x-consumer-id': 'c-1', 'x-consumer-groups': 'auth-admins-not' }))).toThrow(expect.objectContaining({ code: 'forbidden' }));
});

it('reads a username from the end of the path, lowercased; anything else is no user', () => {
  expect(usernameIn(event({}, '/api/admin/users/Alice'), '/api/admin/users/')).toBe('alice');
  expect(usernameIn(event({}, '/api/admin/users/alice/'), '/api/admin/users/')).toBe('alice');
  for (const path of ['/api/admin/users/', '/api/admin/users/a', '/api/admin/users/alice/disable', '/api/admin/users/%E0%A4%A', '/api/admin/users/..%2Fx', '/other/alice']) {
    expect(() => usernameIn(event({}, path), '/api/admin/users/')).toThrow(expect.objectContaining({ status: 404, code: 'user_not_found' }));
  }
});
