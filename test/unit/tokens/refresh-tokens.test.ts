import { hashRefreshToken, isAncestor, looksLikeJwt, newChainKey, newRefreshToken, refreshTokenName, successorOf } from '../../../lib/tokens/refresh-tokens';

const SESSION = { id: '0f8fad5b-d9cb-469f-a165-70867728950e', username: 'alice' };

it('names its session, generation and user in a chained token, and stores only a name with its SHA-256', () => {
  const first = newRefreshToken(SESSION);
  expect(first.token).toMatch(/^r1\.0f8fad5b-d9cb-469f-a165-70867728950e\.0\.alice\.[A-Za-z0-9_-]{43}$/);
  expect(looksLikeJwt(first.token)).toBe(false);
  expect(first.hash).toMatch(/^0f8fad5b-d9cb-469f-a165-70867728950e\.0\.alice\.[0-9a-f]{64}$/);
  expect(first.hash).not.toContain(first.token.split('.')[4]);
  expect(refreshTokenName(first.hash)).toEqual({ sessionId: SESSION.id, generation: 0, username: 'alice' });
  const successor = successorOf(first.token, newChainKey());
  expect(refreshTokenName(successor.hash)).toMatchObject({ generation: 1 });
  // The earlier form: 256 bits and their SHA-256, nothing to route by.
  const legacy = newRefreshToken();
  expect(refreshTokenName(legacy.hash)).toBeUndefined();
  expect(hashRefreshToken(legacy.token)).toMatch(/^[0-9a-f]{64}$/);
});

it('recognises a true ancestor of the chain head, and nothing made without the chain key', () => {
  const key = newChainKey();
  const chain = [newRefreshToken(SESSION).token];
  for (let i = 0; i < 5; i++) chain.push(successorOf(chain[i], key).token);
  const head = hashRefreshToken(chain[5]);
  expect(isAncestor(chain[0], head, key)).toBe(true);
  expect(isAncestor(chain[3], head, key)).toBe(true);
  expect(isAncestor(chain[5], head, key)).toBe(false);
  const forged = chain[0].replace(/[A-Za-z0-9_-]{43}$/, 'A'.repeat(43));
  expect(isAncestor(forged, head, key)).toBe(false);
  expect(isAncestor(chain[0], head, newChainKey())).toBe(false);
  expect(isAncestor(chain[0], head, key, 4)).toBe(false);
});
