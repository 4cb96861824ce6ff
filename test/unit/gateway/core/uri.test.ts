// Kong's request-path handling (kong/tools/uri.lua): routes match the
// normalised path, and the upstream gets it re-escaped.
import { escapePath, normalizePath } from '../../../../kong/gateway/core/uri';

describe('normalizePath', () => {
  test('removes dot segments and merges slashes (RFC 3986 5.2.4)', () => {
    expect(normalizePath('/a/./b')).toBe('/a/b');
    expect(normalizePath('/a/b/../c')).toBe('/a/c');
    expect(normalizePath('/a//b///c')).toBe('/a/b/c');
    expect(normalizePath('/a/b/..')).toBe('/a/');
    expect(normalizePath('/a/.')).toBe('/a/');
    // Climbing above the root stays at the root (nginx refuses such a request before: see nginx.test.ts).
    expect(normalizePath('/../a')).toBe('/a');
    // Dots inside a segment are a name, not a segment.
    expect(normalizePath('/a/..b/.c')).toBe('/a/..b/.c');
  });

  test('decodes percent-encoded unreserved characters, and upper-cases the reserved ones it keeps', () => {
    expect(normalizePath('/%41%62%7e%2D')).toBe('/Ab~-');
    expect(normalizePath('/a%2fb')).toBe('/a%2Fb');
    expect(normalizePath('/a%3Fb%23c%25')).toBe('/a%3Fb%23c%25');
    // Not reserved, so decoded: a space, and a byte above 0x7f (one char per byte).
    expect(normalizePath('/a%20b%E9')).toBe('/a b\xe9');
  });

  test('decodes before it resolves dot segments: %2e%2e climbs', () => {
    expect(normalizePath('/a/%2e%2e/b')).toBe('/b');
    expect(normalizePath('/a/%2E/b')).toBe('/a/b');
  });

  test('leaves what needs nothing alone', () => {
    for (const path of ['', '/', '/a/b/', '/users/me']) expect(normalizePath(path)).toBe(path);
  });
});

describe('escapePath', () => {
  test('escapes what cannot stand in a request line, upper-case hex, one byte per char', () => {
    expect(escapePath('/a b')).toBe('/a%20b');
    expect(escapePath('/"<>\\^`{|}')).toBe('/%22%3C%3E%5C%5E%60%7B%7C%7D');
    expect(escapePath('/caf\xe9')).toBe('/caf%E9');
    expect(escapePath('/\x00\x7f')).toBe('/%00%7F');
  });

  test('keeps reserved characters and existing escapes, so the path keeps its meaning', () => {
    const kept = "/a-b_c.d~e!$&'()*+,;=:@[]/%2F?#";
    expect(escapePath(kept)).toBe(kept);
  });

  test('normalise then escape: what the upstream gets for a path the client escaped', () => {
    expect(escapePath(normalizePath('/files/my%20file%2Fv2/../x'))).toBe('/files/x');
    expect(escapePath(normalizePath('/files/my%20file%2Fv2'))).toBe('/files/my%20file%2Fv2');
  });
});
