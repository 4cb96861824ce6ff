/**
 * The e2e suite's check against openapi.yaml (test/support/openapi.ts) must
 * be able to fail: a wrong body, status, header or route is reported.
 */
import { Description, type Exchange } from '../../support/openapi';

const description = Description.load();
const BASE = 'http://127.0.0.1:8000';
const JSON_TYPE = { 'Content-Type': 'application/json' };

const answer = (method: string, path: string, status: number, body: unknown, headers: Record<string, string> = JSON_TYPE): Exchange => ({
  method,
  url: `${BASE}${path}`,
  status,
  headers: new Headers(headers),
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

const tokens = {
  access_token: 'eyJ.a.b',
  token_type: 'Bearer',
  expires_in: 900,
  refresh_token: 'r',
  refresh_expires_in: 604800,
  device_token: `d1.${'n'.repeat(22)}.1700000000.${'m'.repeat(43)}`,
};
const noStore = { ...JSON_TYPE, 'Cache-Control': 'no-store' };

describe('the description check', () => {
  it('accepts what the service answers', () => {
    expect(description.check(answer('POST', '/api/public/signin', 200, tokens, noStore))).toEqual([]);
    expect(description.check(answer('POST', '/api/public/signin', 401, { code: 'invalid_credentials', message: 'Invalid username or password' }))).toEqual([]);
    expect(description.check(answer('DELETE', '/api/jwt/sessions/0b8c6a5e-0000-4000-8000-000000000000', 404, { code: 'not_found', message: 'Not found' }))).toEqual([]);
    expect(description.check(answer('GET', '/api/jwt/info', 401, { exp: 'token expired' }))).toEqual([]);
  });

  it('accepts Kong’s no-route answer to a request no route takes, and nothing else there', () => {
    const noRoute = { message: 'no Route matched with those values', request_id: '0123456789abcdef0123456789abcdef' };
    expect(description.check(answer('GET', '/nowhere', 404, noRoute))).toEqual([]);
    expect(description.check(answer('GET', '/api/public/signin', 404, noRoute))).toEqual([]);
    expect(description.check(answer('GET', '/nowhere', 200, {}))).toEqual([expect.stringContaining('GET /nowhere is not in openapi.yaml')]);
    expect(description.check(answer('GET', '/nowhere', 404, { message: 'Not found' }))).not.toEqual([]);
  });

  it('reports a body that does not match its schema', () => {
    const problems = description.check(answer('POST', '/api/public/signin', 200, { ...tokens, token_type: 'bearer' }, noStore));
    expect(problems).toEqual([expect.stringMatching(/^POST \/api\/public\/signin 200: body \/token_type must be equal to constant/)]);
    expect(description.check(answer('POST', '/api/public/signin', 200, { ...tokens, extra: 1 }, noStore))).toHaveLength(1);
    expect(description.check(answer('POST', '/api/public/signin', 401, { code: 'not_a_documented_code', message: 'x' }))).not.toEqual([]);
    expect(description.check(answer('POST', '/api/public/signin', 200, 'not json', noStore))).toEqual([expect.stringContaining('not JSON')]);
  });

  it('reports an undocumented status or content type', () => {
    expect(description.check(answer('POST', '/api/public/signin', 418, { code: 'teapot', message: 'x' }))).toEqual([
      expect.stringContaining('418: status not documented'),
    ]);
    expect(description.check(answer('POST', '/api/public/signin', 200, 'tokens', { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store' }))).toEqual([
      expect.stringContaining('Content-Type "text/plain" not documented'),
    ]);
  });

  it('reports a required header that is missing or wrong, and a body where none is documented', () => {
    expect(description.check(answer('POST', '/api/public/signin', 200, tokens))).toEqual([expect.stringContaining('header Cache-Control missing')]);
    expect(description.check(answer('POST', '/api/public/signin', 200, tokens, { ...JSON_TYPE, 'Cache-Control': 'max-age=60' }))).toEqual([
      expect.stringContaining('header Cache-Control "max-age=60"'),
    ]);
    expect(description.check(answer('POST', '/api/public/signin', 429, { message: 'API rate limit exceeded', request_id: '0123456789abcdef0123456789abcdef' }))).toEqual([
      expect.stringContaining('header Retry-After missing'),
    ]);
    expect(description.check(answer('POST', '/api/session/login', 303, 'unexpected', { Location: '/profile', 'Set-Cookie': 'JSESSIONID=abc; Path=/' }))).toEqual([
      expect.stringContaining('a body where none is documented'),
    ]);
  });
});
