/**
 * The project's kong/kong.yml around browser sessions, in a local gateway with
 * the session and profile functions played by a Lambda stand-in: what
 * forward-auth asks the identity provider (the sessionAuthenticate function),
 * what the profile service's event holds, and how a logout's answer ends the
 * cached answer for its session at once, with a cache_ttl long enough that
 * only that could. The real functions behind the whole stack:
 * test/e2e/forward-auth-revocation.test.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Gateway } from '../../kong/gateway';
import { revokedSession } from '../../lib/browser-sessions/gateway-revocation';
import { send, startProjectGateway, type ProjectGateway } from './support';

const CACHE_TTL_SECONDS = 60;

/** Signed-in session ids and their users, as the sessionAuthenticate stand-in knows them. */
const sessions = new Map<string, string>();

function sessionIdOf(cookie: string | undefined): string | undefined {
  const ids = (cookie ?? '').split(';').map((pair) => pair.trim()).filter((pair) => pair.startsWith('JSESSIONID=')).map((pair) => pair.slice(11));
  return ids.length === 1 ? ids[0] : undefined;
}

/** What each function answers: design 003's, as far as the gateway sees it. */
function answerOf(name: string, event: any): { statusCode: number; headers?: Record<string, string>; body: string } {
  const id = sessionIdOf(event.headers?.cookie ?? event.headers?.Cookie);
  if (name === 'sessionAuthenticate') {
    const user = id === undefined ? undefined : sessions.get(id);
    if (user === undefined) return { statusCode: 401, body: '{"code":"login_required"}' };
    return { statusCode: 200, headers: { 'X-User': user, 'X-Email': `${user}@example.test`, Authorization: `Bearer identity.${user}` }, body: '{}' };
  }
  if (name === 'sessionLogout') {
    if (id !== undefined) sessions.delete(id);
    return { statusCode: 200, headers: { 'Set-Cookie': 'JSESSIONID=; Max-Age=0', ...revokedSession(id) }, body: '{"message":"Signed out"}' };
  }
  return { statusCode: 200, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ user: event.headers?.['x-user'] }) };
}

let project: ProjectGateway;
let gateway: Gateway;
beforeAll(async () => {
  project = await startProjectGateway(answerOf, { sessionCacheTtlSeconds: CACHE_TTL_SECONDS });
  gateway = project.gateway;
});
afterAll(() => project?.close());

function signIn(user: string): string {
  const id = `${user}.${randomBytes(32).toString('base64url')}`;
  sessions.set(id, user);
  return id;
}

async function counting<T>(block: () => Promise<T>): Promise<{ result: T; asked: number; profile: any[] }> {
  const before = project.invoked.length;
  const result = await block();
  const calls = project.invoked.slice(before);
  return { result, asked: calls.filter((c) => c.name === 'sessionAuthenticate').length, profile: calls.filter((c) => c.name === 'userprofileGet').map((c) => c.event) };
}

const profile = (cookie: string) => send(gateway.proxyUrl, '/api/userprofile', { headers: { Cookie: cookie } });

describe('a session cookie on the user-profile routes', () => {
  const user = 'ada';
  test.each([
    ['made up, too short', 'JSESSIONID=ada.123'],
    ['made up, too long', `JSESSIONID=ada.${'A'.repeat(100)}`],
    ['outside the alphabet the service issues', `JSESSIONID=ada.${'A'.repeat(42)}!`],
    ['twice', `JSESSIONID=${user}.${'A'.repeat(43)}; JSESSIONID=${user}.${'B'.repeat(43)}`],
  ])('%s: refused as no cookie is, the identity provider never asked', async (_, cookie) => {
    const { result, asked, profile: events } = await counting(() => profile(cookie));
    expect([result.status, asked, events.length]).toEqual([401, 0, 0]);
  });

  test('never reaches the profile service, which gets the identity and the other cookies', async () => {
    const id = signIn('ada');
    const { result, asked, profile: [event] } = await counting(() => profile(`theme=dark; JSESSIONID=${id}; lang=en`));
    expect([result.status, asked]).toEqual([200, 1]);
    expect(event.headers['x-user']).toBe('ada');
    expect(event.headers.cookie).toBe('theme=dark; lang=en');
    expect(event.multiValueHeaders.cookie).toEqual(['theme=dark; lang=en']);
    expect(JSON.stringify(event)).not.toContain(id);
  });
});

describe(`logout through the gateway, with forward-auth's cache_ttl at ${CACHE_TTL_SECONDS} s`, () => {
  test('the very next profile request is refused; another session is still served from the cache', async () => {
    const ada = signIn('ada');
    const grace = signIn('grace');
    for (const id of [ada, grace]) expect((await counting(() => profile(`JSESSIONID=${id}`))).asked).toBe(1);
    // Cached: the identity provider is not asked again.
    expect((await counting(() => profile(`JSESSIONID=${ada}`))).asked).toBe(0);

    const logout = await send(gateway.proxyUrl, '/api/session/logout', { method: 'POST', headers: { Cookie: `JSESSIONID=${ada}` } });
    expect([logout.status, logout.headers['x-forward-auth-revoke']]).toEqual([200, undefined]);

    const next = await counting(() => profile(`JSESSIONID=${ada}`));
    expect([next.result.status, next.asked, next.profile.length]).toEqual([401, 1, 0]);
    const other = await counting(() => profile(`JSESSIONID=${grace}`));
    expect([other.result.status, other.asked]).toEqual([200, 0]);
  });

  test('a client cannot end another user\'s cached answer: a revoke header it sends reaches no function and counts for nothing', async () => {
    const grace = signIn('grace');
    expect((await counting(() => profile(`JSESSIONID=${grace}`))).asked).toBe(1);
    const before = project.invoked.length;
    await send(gateway.proxyUrl, '/api/session/logout', { method: 'POST', headers: { 'X-Forward-Auth-Revoke': 'user=grace' } });
    expect(project.invoked.slice(before).map(({ event }) => Object.keys(event.headers).filter((name) => /revoke/i.test(name)))).toEqual([[]]);
    expect((await counting(() => profile(`JSESSIONID=${grace}`))).asked).toBe(0);
  });
});
