import type { Event } from '../../../lib/platform/http';
import { clearedCookie, sessionCookie, sessionIdFrom } from '../../../lib/browser-sessions/cookie';
import { safeNext } from '../../../lib/browser-sessions/redirects';
import { browserSignUpBody } from '../../../lib/browser-sessions/schemas';
import { parseOrigins, requireSameOrigin } from '../../../lib/platform/origin';
import * as v from 'valibot';

describe('the session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/ and Secure, named with the __Host- prefix, a session cookie with no lifetime of its own', () => {
    const cookie = sessionCookie('alice.abc', true);
    expect(cookie.split('; ').sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Lax', 'Secure', '__Host-JSESSIONID=alice.abc']);
  });

  it('keeps the bare name and leaves Secure out only when told to (plain-http local use, where browsers refuse a prefixed cookie)', () => {
    expect(sessionCookie('alice.abc', false).split('; ').sort()).toEqual(['HttpOnly', 'JSESSIONID=alice.abc', 'Path=/', 'SameSite=Lax']);
  });

  it('is cleared with the same name and attributes and an expiry in the past', () => {
    expect(clearedCookie(true)).toMatch(/^__Host-JSESSIONID=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax$/);
    expect(clearedCookie(false)).toMatch(/^JSESSIONID=; Max-Age=0;/);
  });

  it('is read from a Cookie header among others, and refused when there are two (cookie tossing)', () => {
    expect(sessionIdFrom('theme=dark; JSESSIONID=alice.abc; x=1', false)).toBe('alice.abc');
    expect(sessionIdFrom('JSESSIONID=alice.abc; JSESSIONID=mallory.def', false)).toBeUndefined();
    expect(sessionIdFrom('JSESSIONID=', false)).toBeUndefined();
    expect(sessionIdFrom(undefined, false)).toBeUndefined();
    expect(sessionIdFrom('XJSESSIONID=alice.abc', false)).toBeUndefined();
    expect(sessionIdFrom('__Host-JSESSIONID=alice.abc; __Host-JSESSIONID=mallory.def', true)).toBeUndefined();
  });

  it('where Secure, is read only under its __Host- name: an unprefixed one (settable by a sibling subdomain or over http) is not a session', () => {
    expect(sessionIdFrom('JSESSIONID=mallory.def; __Host-JSESSIONID=alice.abc', true)).toBe('alice.abc');
    expect(sessionIdFrom('JSESSIONID=mallory.def', true)).toBeUndefined();
  });
});

describe('redirect targets after sign-in', () => {
  it.each(['/profile', '/profile?tab=1&x=%2F', '/api/userprofile', '/a/b#c'])('keeps a path on this site: %s', (next) => {
    expect(safeNext(next)).toBe(next);
  });

  it.each([
    '//evil.test',
    '/\\evil.test',
    'https://evil.test/',
    'javascript:alert(1)',
    '%2F%2Fevil.test',
    '/%2Fevil.test',
    '/%5Cevil.test',
    '/\tevil',
    '/%0d%0aSet-Cookie:x=1',
    'profile',
    '',
    '/' + 'a'.repeat(3000),
    '/%E0%A4%A',
  ])('refuses anything that could leave it: %s', (next) => {
    expect(safeNext(next)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(safeNext(['/profile'])).toBeUndefined();
    expect(safeNext(undefined)).toBeUndefined();
  });
});

describe('the same-origin check (CSRF)', () => {
  const allowed = parseOrigins('BROWSER_ALLOWED_ORIGINS', 'https://auth.example.com, http://localhost:8000');
  const request = (headers: Record<string, string>) => ({ headers }) as unknown as Event;
  const refused = { status: 403, code: 'cross_site_request' };

  it('lets our own pages through, and clients that are no browser', () => {
    expect(() => requireSameOrigin(request({ origin: 'https://auth.example.com', 'sec-fetch-site': 'same-origin' }), allowed)).not.toThrow();
    expect(() => requireSameOrigin(request({ origin: 'http://localhost:8000' }), allowed)).not.toThrow();
    expect(() => requireSameOrigin(request({}), allowed)).not.toThrow();
  });

  it.each<Record<string, string>>([
    { origin: 'https://evil.test' },
    { origin: 'null' },
    { origin: 'https://auth.example.com.evil.test' },
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site', origin: 'https://auth.example.com' },
    { 'sec-fetch-site': 'none' },
    { origin: 'http://auth.example.com' },
  ])('refuses another site: %o', (headers) => {
    expect(() => requireSameOrigin(request(headers), allowed)).toThrow(expect.objectContaining(refused));
  });

  it('refuses origins it cannot read, and anything but scheme://host[:port]', () => {
    expect(() => parseOrigins('X', 'not a url')).toThrow(/X has not a url/);
    expect(() => parseOrigins('X', 'https://a.test/path')).toThrow(/scheme:\/\/host/);
    expect(() => parseOrigins('X', 'ftp://a.test')).toThrow(/scheme:\/\/host/);
    expect(parseOrigins('X', '')).toEqual([]);
  });
});

describe('registration input', () => {
  const valid = { username: 'Alice', password: 'correct horse battery', email: ' Alice@Example.COM ', first_name: ' Jose\u0301 ' };
  const parse = (body: object) => v.safeParse(browserSignUpBody, body);

  it('applies the signup rules, lower-cases the email domain only and normalises the name', () => {
    const result = parse(valid);
    expect(result.success && result.output).toEqual({ username: 'alice', password: valid.password, email: 'Alice@example.com', first_name: 'José' });
  });

  it.each([
    // Password strength is the signup flow's (lib/composition/password-policy.ts), for both kinds of signup.
    ['a bad username', { username: 'a/b' }],
    ['no email', { email: undefined }],
    ['a bad email', { email: 'alice@' }],
    ['a non-ASCII email', { email: 'alicé@example.com' }],
    ['an empty first name', { first_name: '  ' }],
    ['a first name with control characters', { first_name: 'Al\nice' }],
    ['a first name with a bidi override', { first_name: 'Al\u202eice' }],
    ['a long first name', { first_name: 'x'.repeat(65) }],
  ])('refuses %s', (_, change) => {
    expect(parse({ ...valid, ...change }).success).toBe(false);
  });
});
