import { readChoice, readInt, readSecret, readUrl } from '../../../lib/platform/env';

it('reads integers within bounds and refuses anything else loudly', () => {
  expect(readInt({}, 'N', 7, 1, 10)).toBe(7);
  expect(readInt({ N: '' }, 'N', 7, 1, 10)).toBe(7);
  expect(readInt({ N: '10' }, 'N', 7, 1, 10)).toBe(10);
  for (const bad of ['11', '0', '1.5', 'ten', '1e1']) {
    expect(() => readInt({ N: bad }, 'N', 7, 1, 10)).toThrow(`Invalid configuration: N=${bad} must be an integer from 1 to 10`);
  }
});

it('reads URLs and choices', () => {
  expect(readUrl({ U: 'http://kong:8001/' }, 'U', 'http://x')).toBe('http://kong:8001');
  expect(() => readUrl({ U: 'not a url' }, 'U', 'http://x')).toThrow('is not a URL');
  expect(readChoice({ C: 'b' }, 'C', ['a', 'b'] as const, 'a')).toBe('b');
  expect(() => readChoice({ C: 'z' }, 'C', ['a', 'b'] as const, 'a')).toThrow('must be one of a, b');
});

it('reads secrets of a minimum length, never showing them in an error', () => {
  expect(readSecret({ S: 'x'.repeat(32) }, 'S', 32)).toBe('x'.repeat(32));
  expect(() => readSecret({ S: 'short secret' }, 'S', 32)).toThrow(/^Invalid configuration: S must be at least 32 characters$/);
  expect(() => readSecret({}, 'S', 32)).toThrow('Invalid configuration: S is required');
});

it('reads optional settings and booleans, and records every setting with its default', () => {
  const { readBoolean, readOptional, settingsRead } = require('../../../lib/platform/env') as typeof import('../../../lib/platform/env');
  expect(readOptional({ O: '' }, 'O')).toBeUndefined();
  expect(readOptional({ O: 'x' }, 'O')).toBe('x');
  expect(readBoolean({}, 'B', true)).toBe(true);
  expect(readBoolean({ B: 'false' }, 'B', true)).toBe(false);
  expect(() => readBoolean({ B: 'yes' }, 'B', true)).toThrow('Invalid configuration: B=yes must be true or false');
  readInt({}, 'I', 7, 1, 10);
  readUrl({ U: 'http://x' }, 'U');
  expect(settingsRead.get('O')).toEqual({ value: undefined, required: false });
  expect(settingsRead.get('B')).toEqual({ value: 'true', required: false });
  expect(settingsRead.get('I')).toEqual({ value: '7', required: false });
  expect(settingsRead.get('U')).toEqual({ value: undefined, required: true });
});
