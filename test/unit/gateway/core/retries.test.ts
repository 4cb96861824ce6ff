// When a failed try of the upstream is tried again (nginx's proxy_next_upstream
// error timeout, with Kong's retries), counted as the proxy counts.
import { firstTries, triesAfter } from '../../../../kong/gateway/core/retries';

type Kind = 'timeout' | 'error' | 'dns' | 'invalid';
const failure = (kind: Kind, { sent = false, reused = false } = {}) => ({ kind, sent, reused });

test('a service has its retries plus the first try', () => {
  expect(firstTries(5)).toBe(6);
  expect(firstTries(0)).toBe(1);
});

test('a connection error or a timeout uses up a try; with none left, the failure is the answer', () => {
  expect(triesAfter(failure('error'), 3, 'GET')).toBe(2);
  expect(triesAfter(failure('timeout', { sent: true }), 3, 'GET')).toBe(2);
  expect(triesAfter(failure('error'), 1, 'GET')).toBe(0);
});

test('an unresolvable name or an answer that is not HTTP is never tried again', () => {
  expect(triesAfter(failure('dns'), 5, 'GET')).toBe(0);
  expect(triesAfter(failure('invalid', { sent: true }), 5, 'GET')).toBe(0);
});

test('POST, PATCH and LOCK are not sent twice once they may have reached the upstream', () => {
  for (const method of ['POST', 'PATCH', 'LOCK']) {
    expect(triesAfter(failure('error', { sent: true }), 5, method)).toBe(0);
    expect(triesAfter(failure('timeout', { sent: true }), 5, method)).toBe(0);
    // Not sent yet (the connection failed first): safe to try again.
    expect(triesAfter(failure('error'), 5, method)).toBe(4);
  }
  for (const method of ['GET', 'PUT', 'DELETE', 'HEAD', 'OPTIONS']) expect(triesAfter(failure('error', { sent: true }), 5, method)).toBe(4);
});

test('an error on a kept-alive connection does not use up a try (the upstream may have closed it meanwhile)', () => {
  expect(triesAfter(failure('error', { reused: true }), 1, 'GET')).toBe(1);
  // A timeout does, kept-alive or not.
  expect(triesAfter(failure('timeout', { reused: true }), 1, 'GET')).toBe(0);
  // And the non-idempotent rule still holds.
  expect(triesAfter(failure('error', { reused: true, sent: true }), 3, 'POST')).toBe(0);
});
