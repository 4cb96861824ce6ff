import { TokenSessions } from '../../../lib/token-sessions/token-sessions';
import type { TokenSubject } from '../../../lib/token-sessions/token-session';
import { AccessTokens, secretKey } from '../../../lib/tokens/access-tokens';
import { localSigner } from '../../../lib/tokens/signer';
import { hashRefreshToken } from '../../../lib/tokens/refresh-tokens';
import { ACCESS_TOKEN_PROFILE } from '../support/access-token-profile';
import { MemoryTokenSessionStore } from '../support/memory-stores';

const subject: TokenSubject = { accountId: 'account-1', username: 'alice', credentialKey: 'kid-1', signer: localSigner('HS256', secretKey('a secret of some length')) };
const INVALID_GRANT = { status: 401, code: 'invalid_grant', message: 'Invalid or expired refresh token' };

function setup() {
  const store = new MemoryTokenSessionStore();
  const accessTokens = new AccessTokens(900, 3600, ACCESS_TOKEN_PROFILE);
  const sessions = new TokenSessions(store, accessTokens, 3600, 60);
  const load = async () => subject;
  const claimsOf = (token: string) => accessTokens.unverifiedClaims(token)!;
  return { store, sessions, load, claimsOf };
}

it('starts a session with an access token for it and an opaque refresh token stored by hash only', async () => {
  const { store, sessions, claimsOf } = setup();
  const tokens = await sessions.start(subject);
  expect(tokens).toMatchObject({ token_type: 'Bearer', expires_in: 900, refresh_expires_in: 3600 });
  const { sid } = claimsOf(tokens.access_token);
  expect(store.sessions.get(sid)).toMatchObject({ username: 'alice', epoch: 0 });
  expect(store.refreshTokens.has(hashRefreshToken(tokens.refresh_token))).toBe(true);
  expect(JSON.stringify([...store.refreshTokens])).not.toContain(tokens.refresh_token);
});

it('rotates refresh tokens within the session, keeping its absolute expiry', async () => {
  const { store, sessions, load, claimsOf } = setup();
  const first = await sessions.start(subject);
  const second = await sessions.refresh(first.refresh_token, load);
  expect(second.refresh_token).not.toBe(first.refresh_token);
  expect(claimsOf(second.access_token).sid).toBe(claimsOf(first.access_token).sid);
  const expiries = new Set([...store.refreshTokens.values()].map((token) => token.expiresAt));
  expect(expiries.size).toBe(1);
});

it('takes a consumed refresh token presented after its successor was used for theft, and revokes the whole session', async () => {
  const { store, sessions, load, claimsOf } = setup();
  const first = await sessions.start(subject);
  const second = await sessions.refresh(first.refresh_token, load);
  await sessions.refresh(second.refresh_token, load);
  await expect(sessions.refresh(first.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT);
  expect(store.sessions.get(claimsOf(first.access_token).sid)).toMatchObject({ revokedReason: 'reuse' });
  await expect(sessions.refresh(second.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT);
  expect(await sessions.accessTokenState(claimsOf(second.access_token))).toBe('revoked');
});

it('refuses unknown and expired refresh tokens, and those of a subject that is gone', async () => {
  const { store, sessions, load } = setup();
  await expect(sessions.refresh('unknown', load)).rejects.toMatchObject(INVALID_GRANT);
  const tokens = await sessions.start(subject);
  await expect(sessions.refresh(tokens.refresh_token, async () => undefined)).rejects.toMatchObject(INVALID_GRANT);
  store.refreshTokens.get(hashRefreshToken(tokens.refresh_token))!.expiresAt = 0;
  await expect(sessions.refresh(tokens.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT);
});

it('ends one session at logout: its refresh tokens and that access token', async () => {
  const { sessions, load, claimsOf } = setup();
  const mine = await sessions.start(subject);
  const other = await sessions.start(subject);
  const claims = { ...claimsOf(mine.access_token), exp: 0, iat: 0 };
  await sessions.end(claims);
  expect(await sessions.accessTokenState(claims)).toBe('revoked');
  await expect(sessions.refresh(mine.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT);
  expect(await sessions.accessTokenState(claimsOf(other.access_token))).toBe('live');
  await expect(sessions.refresh(other.refresh_token, load)).resolves.toBeDefined();
});

it('revokes by refresh token (RFC 7009) and ignores unknown tokens', async () => {
  const { sessions, load } = setup();
  await expect(sessions.revoke('not a token')).resolves.toBeUndefined();
  const tokens = await sessions.start(subject);
  await sessions.revoke(tokens.refresh_token);
  await expect(sessions.refresh(tokens.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT);
});

it('ends every session of the user at once, access tokens included, and the next signin starts a session that works', async () => {
  const { sessions, load, claimsOf } = setup();
  const before = await Promise.all([sessions.start(subject), sessions.start(subject)]);
  await sessions.endAll('alice');
  for (const tokens of before) {
    expect(await sessions.accessTokenState(claimsOf(tokens.access_token))).toBe('ended');
    await expect(sessions.inspectRefreshToken(tokens.refresh_token)).resolves.toBeUndefined();
    await expect(sessions.refresh(tokens.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT);
  }
  const after = await sessions.start(subject);
  expect(await sessions.accessTokenState(claimsOf(after.access_token))).toBe('live');
  await expect(sessions.refresh(after.refresh_token, load)).resolves.toBeDefined();
});

it("calls an access token revoked when it names another user than its session's", async () => {
  const { sessions, claimsOf } = setup();
  const tokens = await sessions.start(subject);
  expect(await sessions.accessTokenState({ ...claimsOf(tokens.access_token), sub: 'mallory' })).toBe('revoked');
});

describe('inspecting a refresh token (introspection)', () => {
  it('sees a live one without using it, and nothing once it is consumed, revoked or reused', async () => {
    const { sessions, load, claimsOf } = setup();
    const first = await sessions.start(subject);
    const seen = await sessions.inspectRefreshToken(first.refresh_token);
    expect(seen).toMatchObject({ username: 'alice', sessionId: claimsOf(first.access_token).sid, issuedAt: expect.any(Number) });
    await expect(sessions.inspectRefreshToken(first.refresh_token)).resolves.toBeDefined();

    const second = await sessions.refresh(first.refresh_token, load);
    await expect(sessions.inspectRefreshToken(first.refresh_token)).resolves.toBeUndefined();
    await expect(sessions.inspectRefreshToken(second.refresh_token)).resolves.toMatchObject({ issuedAt: expect.any(Number) });

    const third = await sessions.refresh(second.refresh_token, load);
    await expect(sessions.inspectRefreshToken(third.refresh_token)).resolves.toBeDefined();
    await expect(sessions.refresh(first.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT); // reuse: the session is revoked
    await expect(sessions.inspectRefreshToken(third.refresh_token)).resolves.toBeUndefined();
    await expect(sessions.inspectRefreshToken('unknown')).resolves.toBeUndefined();
  });

  it('sees nothing of a session ended by logout', async () => {
    const { sessions, claimsOf } = setup();
    const tokens = await sessions.start(subject);
    await sessions.end({ ...claimsOf(tokens.access_token), exp: 0 });
    await expect(sessions.inspectRefreshToken(tokens.refresh_token)).resolves.toBeUndefined();
  });
});

describe('a refresh repeated because its answer never arrived', () => {
  it('gets the same successor again while that is unused, within the grace', async () => {
    const { sessions, load } = setup();
    const first = await sessions.start(subject);
    const answered = await sessions.refresh(first.refresh_token, load);
    const repeated = await sessions.refresh(first.refresh_token, load);
    expect(repeated.refresh_token).toBe(answered.refresh_token);
    await expect(sessions.refresh(repeated.refresh_token, load)).resolves.toBeDefined();
  });

  it('gives concurrent refreshes of one token the one successor', async () => {
    const { sessions, load } = setup();
    const first = await sessions.start(subject);
    const results = await Promise.all(Array.from({ length: 6 }, () => sessions.refresh(first.refresh_token, load)));
    expect(new Set(results.map((r) => r.refresh_token)).size).toBe(1);
  });

  it('revokes the session when the grace is over', async () => {
    const { store, sessions, load, claimsOf } = setup();
    const first = await sessions.start(subject);
    await sessions.refresh(first.refresh_token, load);
    store.refreshTokens.get(hashRefreshToken(first.refresh_token))!.consumedAt! -= 61;
    await expect(sessions.refresh(first.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT);
    expect(store.sessions.get(claimsOf(first.access_token).sid)).toMatchObject({ revokedReason: 'reuse' });
  });

  it('gets nothing once the session was ended meanwhile', async () => {
    const { sessions, load } = setup();
    const first = await sessions.start(subject);
    await sessions.refresh(first.refresh_token, load);
    await sessions.endAll('alice');
    await expect(sessions.refresh(first.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT);
  });
});

it("refuses a session's tokens to a later account of the same name", async () => {
  const { sessions } = setup();
  const first = await sessions.start(subject);
  const successor = async () => ({ ...subject, accountId: 'account-2' });
  await expect(sessions.refresh(first.refresh_token, successor)).rejects.toMatchObject(INVALID_GRANT);
});

describe("the user's own sessions", () => {
  const caller = (tokens: { access_token: string }, claimsOf: (token: string) => { sid: string }) => ({
    accountId: subject.accountId,
    username: subject.username,
    sessionId: claimsOf(tokens.access_token).sid,
  });

  it('lists the live ones, newest first, with where they started and which one asks', async () => {
    const { store, sessions, claimsOf } = setup();
    const laptop = await sessions.start(subject, { address: '203.0.113.7', userAgent: 'Firefox' });
    const phone = await sessions.start(subject, { address: '198.51.100.2', userAgent: 'Safari' });
    store.sessions.get(claimsOf(laptop.access_token).sid)!.createdAt! -= 60;
    const ended = await sessions.start(subject);
    await sessions.revoke(ended.refresh_token);
    await sessions.start({ ...subject, accountId: 'someone-else', username: 'bob' });

    const listed = await sessions.list(caller(phone, claimsOf));
    expect(listed).toEqual([
      { id: claimsOf(phone.access_token).sid, created_at: expect.any(String), last_used_at: expect.any(String), client_address: '198.51.100.2', user_agent: 'Safari', current: true },
      { id: claimsOf(laptop.access_token).sid, created_at: expect.any(String), last_used_at: expect.any(String), client_address: '203.0.113.7', user_agent: 'Firefox', current: false },
    ]);
    expect(Date.parse(listed[0].created_at!)).toBeGreaterThan(Date.parse(listed[1].created_at!));
  });

  it('leaves out sessions ended all at once (logout-all) and expired ones', async () => {
    const { store, sessions, claimsOf } = setup();
    await sessions.start(subject);
    await sessions.endAll('alice');
    const expired = await sessions.start(subject);
    store.sessions.get(claimsOf(expired.access_token).sid)!.expiresAt = 0;
    const current = await sessions.start(subject);
    expect((await sessions.list(caller(current, claimsOf))).map((s) => s.id)).toEqual([claimsOf(current.access_token).sid]);
  });

  it('shows when a session last got tokens', async () => {
    const { store, sessions, load, claimsOf } = setup();
    const tokens = await sessions.start(subject);
    const session = store.sessions.get(claimsOf(tokens.access_token).sid)!;
    session.lastUsedAt! -= 600;
    const before = session.lastUsedAt!;
    await sessions.refresh(tokens.refresh_token, load);
    expect(session.lastUsedAt!).toBeGreaterThan(before);
  });

  it('ends one of them, refresh and access tokens, and leaves the others', async () => {
    const { sessions, load, claimsOf } = setup();
    const current = await sessions.start(subject);
    const other = await sessions.start(subject);
    await sessions.endOwn(subject, claimsOf(other.access_token).sid);
    expect(await sessions.accessTokenState(claimsOf(other.access_token))).not.toBe('live');
    await expect(sessions.refresh(other.refresh_token, load)).rejects.toMatchObject(INVALID_GRANT);
    expect(await sessions.accessTokenState(claimsOf(current.access_token))).toBe('live');
  });

  it("answers 404 for someone else's session, an ended one and one that never was, alike", async () => {
    const { sessions, claimsOf } = setup();
    const theirs = await sessions.start({ ...subject, accountId: 'someone-else', username: 'bob' });
    const ended = await sessions.start(subject);
    await sessions.endOwn(subject, claimsOf(ended.access_token).sid);
    const NOT_FOUND = { status: 404, code: 'not_found', message: 'Session not found' };
    for (const id of [claimsOf(theirs.access_token).sid, claimsOf(ended.access_token).sid, '00000000-0000-4000-8000-000000000000']) {
      await expect(sessions.endOwn(subject, id)).rejects.toMatchObject(NOT_FOUND);
    }
    expect(await sessions.accessTokenState(claimsOf(theirs.access_token))).toBe('live');
  });
});
