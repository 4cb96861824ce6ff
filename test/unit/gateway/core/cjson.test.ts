// lua-cjson as Kong runs it (OpenResty's 2.1.0.x, default settings): what it
// writes, and what it reads with which error message (plugins put those
// messages in answers). Strings are byte strings, one char per byte.
import { decode, encode, formatNumber } from '../../../../kong/gateway/core/cjson';

const error = (text: string) => {
  const result = decode(text);
  return result.ok ? `value ${JSON.stringify(result.value)}` : result.error;
};
const value = (text: string) => {
  const result = decode(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
};

describe('encode', () => {
  test("escapes '/' and DEL as cjson does, and control characters as JSON does", () => {
    expect(encode({ url: 'https://x/y' })).toBe('{"url":"https:\\/\\/x\\/y"}');
    expect(encode('\x7f')).toBe('"\\u007f"');
    expect(encode('\x00\x1b\n\t"\\')).toBe('"\\u0000\\u001b\\n\\t\\"\\\\"');
    // Bytes above 0x7f go out as they are: strings are bytes, not code points.
    expect(encode('caf\xe9')).toBe('"caf\xe9"');
  });

  test('writes numbers with 14 significant digits ("%.14g"), as encode_number_precision 14 does', () => {
    expect(encode({ sum: 0.1 + 0.2 })).toBe('{"sum":0.3}');
    expect(encode([1e15, 12345678901234567, 1e-5, 0.0001, 99999999999999, 100000000000000])).toBe(
      '[1e+15,1.2345678901235e+16,1e-05,0.0001,99999999999999,1e+14]',
    );
    expect(encode({ nested: { deeper: [2 ** 53] } })).toBe('{"nested":{"deeper":[9.007199254741e+15]}}');
    expect(encode(-0)).toBe('-0');
    // Plain integers: the fast path, and the same text.
    expect(encode({ status: 401, list: [1, -2, 3] })).toBe('{"status":401,"list":[1,-2,3]}');
  });

  test('leaves out what Lua tables cannot hold, as JSON.stringify does', () => {
    expect(encode({ a: undefined, b: 1.5, c: () => 1 })).toBe('{"b":1.5}');
    expect(encode([undefined, 0.5])).toBe('[null,0.5]');
  });
});

describe('formatNumber (Lua tostring, LuaJIT "%.14g")', () => {
  test.each([
    [1, '1'], [-1.5, '-1.5'], [1 / 3, '0.33333333333333'], [0.1, '0.1'], [100, '100'], [1e14, '1e+14'],
    [123456789012346, '1.2345678901235e+14'], [1e-4, '0.0001'], [1e-5, '1e-05'], [2.5e-7, '2.5e-07'], [1e300, '1e+300'],
    [0, '0'], [-0, '-0'], [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'], [86400, '86400'],
  ])('%p is %s', (n, text) => {
    expect(formatNumber(n)).toBe(text);
  });
});

describe('decode', () => {
  test('reads JSON into Lua values; \\u escapes become UTF-8 bytes, surrogate pairs one character', () => {
    expect(value('{"a":[1,true,null,"x"]}')).toEqual({ a: [1, true, null, 'x'] });
    expect(value('"\\u00e9"')).toBe('\xc3\xa9');
    expect(value('"\\ud83d\\ude00"')).toBe('\xf0\x9f\x98\x80');
    expect(value('"\\/"')).toBe('/');
  });

  test('takes the numbers strtod takes (decode_invalid_numbers on): hex, +, inf, nan, a trailing dot', () => {
    expect(value('0x10')).toBe(16);
    expect(value('+1')).toBe(1);
    expect(value('-Infinity')).toBe(-Infinity);
    expect(value('[nan]')).toEqual([NaN]);
    expect(value('1.')).toBe(1);
    expect(value('1e2')).toBe(100);
  });

  test("refuses with cjson's own messages, positions counted from 1", () => {
    expect(error('')).toBe('Expected value but found T_END at character 1');
    expect(error('{"a":1,}')).toBe('Expected object key string but found T_OBJ_END at character 8');
    expect(error('[1 2]')).toBe('Expected comma or array end but found T_NUMBER at character 4');
    expect(error('{"a" 1}')).toBe('Expected colon but found T_NUMBER at character 6');
    expect(error('{"a":1 "b":2}')).toBe('Expected comma or object end but found T_STRING at character 8');
    expect(error('1 x')).toBe('Expected the end but found invalid token at character 3');
    expect(error('nul')).toBe('Expected value but found invalid token at character 1');
    // String errors point at where the string went wrong, not where it began.
    expect(error('"\\x"')).toBe('Expected value but found invalid escape code at character 2');
    expect(error('"ab\\udc00"')).toBe('Expected value but found invalid unicode escape code at character 4');
    expect(error('"abc')).toBe('Expected value but found unexpected end of string at character 5');
    expect(error('-')).toBe('Expected value but found invalid number at character 1');
    expect(error('\x00{')).toBe('JSON parser does not support UTF-16 or UTF-32');
  });

  test('stops at the first NUL byte, as the C string does', () => {
    expect(value('[1]\x00garbage')).toEqual([1]);
  });

  test('nests 1000 levels deep, not 1001', () => {
    expect(decode('['.repeat(1000) + ']'.repeat(1000)).ok).toBe(true);
    expect(error('['.repeat(1001) + ']'.repeat(1001))).toBe('Found too many nested data structures (1001) at character 1001');
  });
});
