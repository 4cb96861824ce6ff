// Whether a request's body is known to be empty without reading it: the
// proxy then sends it on at once, with no wait for a body that never comes.
import { hasNoBody } from '../../../../kong/gateway/core/context';

const headers = (lines: Record<string, string>) => ({ get: (name: string) => lines[name] });
const pending = { complete: false, readableLength: 0 };

test('a request that announces no body has none', () => {
  expect(hasNoBody(pending, headers({}))).toBe(true);
  expect(hasNoBody(pending, headers({ 'content-length': '0' }))).toBe(true);
});

test('one that announces a body, or waits to be told to send it, has to be read', () => {
  expect(hasNoBody(pending, headers({ 'content-length': '5' }))).toBe(false);
  expect(hasNoBody(pending, headers({ 'transfer-encoding': 'chunked' }))).toBe(false);
  expect(hasNoBody(pending, headers({ expect: '100-continue' }))).toBe(false);
});

test('a request already complete says so by what is left to read, whatever its headers', () => {
  expect(hasNoBody({ complete: true, readableLength: 0 }, headers({ 'content-length': '5' }))).toBe(true);
  expect(hasNoBody({ complete: true, readableLength: 5 }, headers({}))).toBe(false);
});
