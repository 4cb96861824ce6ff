import { handler as endSession } from '../../functions/protected/end-session';
import { handler as info } from '../../functions/protected/info';
import { handler as listSessions } from '../../functions/protected/sessions';
import { handler as refresh } from '../../functions/public/refresh';
import { handler as signin } from '../../functions/public/signin';
import { PASSWORD, tokenItems } from '../support/clients';
import { apiEvent, invoke } from '../support/events';
import { bearer } from '../support/http';
import { newUser, signedInUser } from '../support/users';

const list = (token: string) => invoke(listSessions, apiEvent('GET', '/api/jwt/sessions', { headers: bearer(token) }));
const end = (token: string, id: string) => invoke(endSession, apiEvent('DELETE', `/api/jwt/sessions/${id}`, { headers: bearer(token) }));
const callInfo = (token: string) => invoke(info, apiEvent('GET', '/api/jwt/info', { headers: bearer(token) }));
const callRefresh = (refresh_token: string) => invoke(refresh, apiEvent('POST', '/api/public/refresh', { body: { refresh_token } }));
const signinWith = (username: string, sourceIp: string, userAgent: string) =>
  invoke(signin, apiEvent('POST', '/api/public/signin', { body: { username, password: PASSWORD }, headers: { 'User-Agent': userAgent }, sourceIp }));
const sidOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).sid as string;

describe('GET /api/jwt/sessions', () => {
  it('lists every live session of the caller, newest first, as first seen, marking the current one', async () => {
    const username = await newUser('lister');
    const laptop = (await signinWith(username, '203.0.113.7', 'Firefox/140')).body;
    const phone = (await signinWith(username, '198.51.100.2', 'Safari/18')).body;

    const response = await list(phone.access_token);
    expect(response.status).toBe(200);
    expect(response.headers['Cache-Control']).toBe('no-store');
    // Newest first; these two started within the same second, which created_at does not tell apart.
    const createdAt = response.body.map((s: { created_at: string }) => Date.parse(s.created_at));
    expect(createdAt).toEqual([...createdAt].sort((a, b) => b - a));
    expect(response.body).toHaveLength(2);
    expect(response.body).toEqual(expect.arrayContaining([
      {
        id: sidOf(phone.access_token),
        created_at: expect.any(String),
        last_used_at: expect.any(String),
        client_address: '198.51.100.2',
        user_agent: 'Safari/18',
        current: true,
      },
      {
        id: sidOf(laptop.access_token),
        created_at: expect.any(String),
        last_used_at: expect.any(String),
        client_address: '203.0.113.7',
        user_agent: 'Firefox/140',
        current: false,
      },
    ]));
  });

  it('lists them from the index by account, in one query: the session items carry its key, refresh tokens do not', async () => {
    const { username, tokens } = await signedInUser('indexed');
    const items = await tokenItems({ username });
    const session = items.find((item) => item.id === `session#${sidOf(tokens.access_token)}`)!;
    expect(session).toMatchObject({ sessionOwner: expect.any(String), createdAt: expect.any(Number) });
    expect(items.filter((item) => item.sessionOwner !== undefined).every((item) => String(item.id).startsWith('session#'))).toBe(true);
  });

  it('keeps the client as first seen, and moves last_used_at on at each refresh', async () => {
    const username = await newUser('refresher');
    const first = (await signinWith(username, '203.0.113.9', 'Firefox/140')).body;
    const refreshed = (await callRefresh(first.refresh_token)).body;
    const [listed] = (await list(refreshed.access_token)).body;
    expect(listed).toMatchObject({ id: sidOf(first.access_token), client_address: '203.0.113.9', user_agent: 'Firefox/140', current: true });
    expect(Date.parse(listed.last_used_at)).toBeGreaterThanOrEqual(Date.parse(listed.created_at));
  });

  it('shows no session of anyone else', async () => {
    const alice = await signedInUser('alice');
    const bob = await signedInUser('bob');
    const listed = (await list(alice.tokens.access_token)).body.map((s: { id: string }) => s.id);
    expect(listed).toEqual([sidOf(alice.tokens.access_token)]);
    expect(listed).not.toContain(sidOf(bob.tokens.access_token));
  });
});

describe('DELETE /api/jwt/sessions/{id}', () => {
  it("ends one of the caller's sessions: its access and refresh tokens stop working, the others go on", async () => {
    const { username, tokens: current } = await signedInUser('ender');
    const other = (await signinWith(username, '198.51.100.3', 'Phone')).body;

    expect(await end(current.access_token, sidOf(other.access_token))).toMatchObject({ status: 200, body: { message: 'Session ended' } });

    expect((await callInfo(other.access_token)).status).toBe(401);
    expect((await callRefresh(other.refresh_token)).status).toBe(401);
    expect((await callInfo(current.access_token)).status).toBe(200);
    expect((await list(current.access_token)).body.map((s: { id: string }) => s.id)).toEqual([sidOf(current.access_token)]);
  });

  it("answers 404 for another user's session, and leaves it alone", async () => {
    const alice = await signedInUser('alice');
    const bob = await signedInUser('bob');
    expect(await end(alice.tokens.access_token, sidOf(bob.tokens.access_token))).toMatchObject({
      status: 404,
      body: { code: 'not_found', message: 'Session not found' },
    });
    expect((await callInfo(bob.tokens.access_token)).status).toBe(200);
  });

  it.each(['00000000-0000-4000-8000-000000000000', 'not-a-uuid', '../../info', ''])('answers 404 for the id %p', async (id) => {
    const { tokens } = await signedInUser('prober');
    expect(await end(tokens.access_token, id)).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('answers 401 without a valid token', async () => {
    const { tokens } = await signedInUser('anon');
    expect((await end('nonsense', sidOf(tokens.access_token))).status).toBe(401);
    expect((await list('nonsense')).status).toBe(401);
  });
});
