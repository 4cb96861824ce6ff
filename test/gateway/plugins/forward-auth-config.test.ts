/**
 * The local gateway's reading of the forward-auth config: the same fields,
 * defaults and refusals as kong/plugins/forward-auth/schema.lua (whose busted
 * spec, test/kong-plugins/forward-auth/schema_spec.lua, lists the same cases).
 */
import { ConfigError } from '../../../kong/gateway/core/schema';
import { forwardAuthSchema } from '../../../kong/gateway/plugins/forward-auth/schema';

const URL_OK = 'http://idp:8080/api/session/authenticate';
const read = (config: Record<string, unknown>) => forwardAuthSchema({ url: URL_OK, ...config }, 'config');
const refusal = (config: Record<string, unknown>) => {
  try {
    read(config);
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  return 'accepted';
};

test('defaults: cookie forwarded, the four identity headers copied, 5 s timeout, 5 s cache, /signin', () => {
  const config = read({});
  expect({ ...config, url: config.url.href }).toEqual({
    url: URL_OK,
    forwardHeaders: ['cookie'],
    upstreamHeaders: ['x-user', 'x-email', 'x-first-name', 'authorization'],
    timeout: 5000,
    cacheTtl: 5,
    loginUrl: '/signin',
    sessionCookie: null,
    sessionCookieMinLength: 1,
    sessionCookieMaxLength: 4096,
    hideCredentials: false,
    authenticate: true,
    acceptRevocations: false,
    apiKey: null,
    apiKeyHeader: 'apikey',
  });
});

test('api_key: a non-empty string, in api_key_header (matched as header names are)', () => {
  expect(read({ api_key: 'k', api_key_header: 'X_Gateway_Key' })).toMatchObject({ apiKey: 'k', apiKeyHeader: 'x-gateway-key' });
  expect(() => read({ api_key: '' })).toThrow('length must be at least 1');
  expect(() => read({ api_key_header: 'bad header' })).toThrow('bad header name');
});

test('header names are matched in lower case, with _ as -', () => {
  expect(read({ forward_headers: ['Cookie', 'User_Agent'], upstream_headers: ['X_User'] })).toMatchObject({
    forwardHeaders: ['cookie', 'user-agent'],
    upstreamHeaders: ['x-user'],
  });
});

test('url is required', () => {
  expect(() => forwardAuthSchema({}, 'config')).toThrow('config.url: required field missing');
});

test.each([URL_OK, 'https://idp.example.test/auth?x=1', 'HTTP://idp'])('url %s is accepted', (url) => {
  expect(read({ url }).url).toBeInstanceOf(URL);
});

test.each([
  ['/api/session/authenticate', 'missing scheme in url'],
  ['ftp://idp/auth', 'expected an http or https url'],
  ['http:///auth', 'missing host in url'],
  ['http://idp/a b', 'must not contain whitespace'],
])('url %s is refused: %s', (url, reason) => {
  expect(refusal({ url })).toBe(`config.url: ${reason}`);
});

test.each(['/signin', '/account/login?lang=en', 'https://idp.example.test/signin', '/a/\\b'])('login_url %s is accepted', (loginUrl) => {
  expect(read({ login_url: loginUrl }).loginUrl).toBe(loginUrl);
});

test.each(['//evil.test/signin', '/\\evil.test', 'signin', 'javascript:alert(1)', '/signin#top', '/sign in', '/signin\r\n', 'ftp://idp/signin'])(
  'login_url %j is refused',
  (loginUrl) => {
    expect(refusal({ login_url: loginUrl })).toMatch(/^config\.login_url: /);
  },
);

test('header names allow what Kong\'s header_name allows', () => {
  expect(refusal({ forward_headers: ['x user'] })).toBe("config.forward_headers[0]: bad header name 'x user', allowed characters are A-Z, a-z, 0-9, '_', and '-'");
  expect(refusal({ forward_headers: [] })).toBe('config.forward_headers: length must be at least 1');
});

test.each(['Host', 'content-length', 'Transfer_Encoding', 'connection', 'keep-alive', 'te', 'upgrade'])(
  'upstream header %s, which frames or routes the request, is refused',
  (name) => {
    expect(refusal({ upstream_headers: ['x-user', name] })).toBe(`config.upstream_headers[1]: '${name}' cannot be set from the identity provider's answer`);
  },
);

test('timeout is whole milliseconds up to a minute; cache_ttl seconds up to a minute, 0 for none', () => {
  expect(read({ timeout: 250, cache_ttl: 0.5 })).toMatchObject({ timeout: 250, cacheTtl: 0.5 });
  expect(read({ cache_ttl: 0 }).cacheTtl).toBe(0);
  expect(refusal({ timeout: 0 })).toBe('config.timeout: value should be between 1 and 60000');
  expect(refusal({ timeout: 1.5 })).toBe('config.timeout: expected an integer');
  expect(refusal({ cache_ttl: 61 })).toBe('config.cache_ttl: value should be between 0 and 60');
  expect(refusal({ cache_ttl: -1 })).toBe('config.cache_ttl: value should be between 0 and 60');
});

test('unknown fields are refused', () => {
  expect(refusal({ cookie_name: 'JSESSIONID' })).toMatch(/^config\.cookie_name: unknown or unsupported field/);
});
