import { refreshTokenOf, revocableToken } from '../../../lib/token-sessions/schemas';

const JWT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const REFRESH = 'dGhpcyBpcyBhIHJlZnJlc2ggdG9rZW4gb2YgMzIgYnl0ZXM';

describe('refresh requests (RFC 6749 §6)', () => {
  it.each([undefined, 'refresh_token'])('take the refresh token when grant_type is %s', (grant_type) => {
    expect(refreshTokenOf({ refresh_token: REFRESH, grant_type })).toBe(REFRESH);
  });

  it.each(['password', 'authorization_code', ''])('refuse grant_type %j with 400 unsupported_grant_type', (grant_type) => {
    expect(() => refreshTokenOf({ refresh_token: REFRESH, grant_type })).toThrow(expect.objectContaining({ status: 400, code: 'unsupported_grant_type' }));
  });
});

describe('revocation requests (RFC 7009 §2.1)', () => {
  it.each([undefined, 'refresh_token', 'something_else'])('take a refresh token, hint %s (an unknown hint is ignored)', (token_type_hint) => {
    expect(revocableToken({ token: REFRESH, token_type_hint })).toBe(REFRESH);
  });

  it.each([
    ['an access token', JWT, undefined],
    ['an access token hinted as a refresh token', JWT, 'refresh_token'],
    ['anything hinted as an access token', REFRESH, 'access_token'],
  ])('refuse %s with 400 unsupported_token_type', (_, token, token_type_hint) => {
    expect(() => revocableToken({ token, token_type_hint })).toThrow(expect.objectContaining({ status: 400, code: 'unsupported_token_type' }));
  });
});
