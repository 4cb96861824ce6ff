import { IdentityTokenCache } from '../../../lib/browser-sessions/identity-cache';

it('keeps at most its bound, dropping the oldest first', () => {
  const cache = new IdentityTokenCache(2);
  cache.set('a', 'c', 'ta', 100, 160);
  cache.set('b', 'c', 'tb', 100, 160);
  cache.set('c', 'c', 'tc', 100, 160);
  expect(cache.size).toBe(2);
  expect(cache.get('a', 'c', 101)).toBeUndefined();
  expect(cache.get('c', 'c', 101)).toEqual({ token: 'tc', expiresAt: 160 });
});

it('answers nothing for a clock that went back, or once half the lifetime is gone', () => {
  const cache = new IdentityTokenCache();
  cache.set('a', 'c', 'ta', 100, 160);
  expect(cache.get('a', 'c', 99)).toBeUndefined();
  cache.set('a', 'c', 'ta', 100, 160);
  expect(cache.get('a', 'c', 129)).toEqual({ token: 'ta', expiresAt: 160 });
  expect(cache.get('a', 'c', 130)).toBeUndefined();
  expect(cache.get('a', 'c', 101)).toBeUndefined();
});
