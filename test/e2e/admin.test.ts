/**
 * The operators' API through the gateway (docs/admin.md): an operator is a
 * Kong consumer with a key-auth key in the acl group auth-admins. And users
 * owning their accounts: the export and the deletion of their own.
 */
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { browserSessions, call } from '../support/browser-sessions';
import { admin, db, PASSWORD, resourceService, storedUser, uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { bearer, request } from '../support/http';

const PROXY = process.env.PROXY_URL!;
const gateway = client(PROXY);
const ADMIN_GROUP = 'auth-admins';
let operator: string;

beforeAll(async () => {
  // An operator, as docs/admin.md makes one: a consumer, a key, the group.
  operator = await resourceService([ADMIN_GROUP]);
});

const asOperator = (method: string, path: string, key: string | null = operator) =>
  request(`${PROXY}${path}`, { method, headers: key === null ? {} : { apikey: key } });

async function tableEnding(suffix: string): Promise<string> {
  const { TableNames = [] } = await db.send(new ListTablesCommand({}));
  const name = TableNames.find((table) => table.endsWith(suffix));
  if (!name) throw new Error(`no table ending ${suffix}`);
  return name;
}

/** Every item of every table of the stack that names the user or their account. */
async function itemsOf(username: string, accountId: string) {
  const { TableNames = [] } = await db.send(new ListTablesCommand({}));
  const found: Array<{ table: string; item: Record<string, unknown> }> = [];
  for (const table of TableNames) {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
      for (const item of page.Items ?? []) {
        const text = JSON.stringify(item);
        if (text.includes(`"${username}"`) || text.includes(`#${username}"`) || text.includes(accountId)) found.push({ table, item });
      }
      start = page.LastEvaluatedKey;
    } while (start);
  }
  return found;
}

/** No hash, secret, key or token of any kind in an answer. */
function expectNoSecrets(body: unknown, ...tokens: string[]) {
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\$2[aby]\$|passwordHash|password_hash|secret|credential|refresh_token|access_token|hash/i);
  for (const token of tokens) expect(text).not.toContain(token);
}

it('refuses no key with 401 and a key outside auth-admins with 403, before any function runs', async () => {
  expect((await asOperator('GET', '/api/admin/users?q=x', null)).status).toBe(401);
  expect((await asOperator('GET', '/api/admin/users?q=x', 'not-a-key')).status).toBe(401);
  for (const outsider of [await resourceService([]), await resourceService(['token-introspection'])]) {
    const refused = await asOperator('GET', '/api/admin/users?q=x', outsider);
    expect(refused).toMatchObject({ status: 403, body: { message: 'You cannot consume this service' } });
    expect((await asOperator('DELETE', `/api/admin/users/someone`, outsider)).status).toBe(403);
    expect((await asOperator('POST', `/api/admin/disable/someone`, outsider)).status).toBe(403);
  }
});

it('finds a user by prefix and shows them without any secret', async () => {
  const { username, tokens } = await gateway.newSession('adm');
  const found = await asOperator('GET', `/api/admin/users?q=${username}`);
  expect(found.status).toBe(200);
  expect(found.body.users).toEqual([{ username, email: null, first_name: null, status: 'active', created_at: expect.any(String) }]);

  const details = await asOperator('GET', `/api/admin/users/${username.toUpperCase()}`);
  expect(details).toMatchObject({ status: 200, body: { username, status: 'active', factors: [], session_count: 1, last_sign_in_at: expect.any(String) } });
  expectNoSecrets(details.body, tokens.access_token, tokens.refresh_token);

  const sessions = await asOperator('GET', `/api/admin/sessions/${username}`);
  expect(sessions.body).toEqual([expect.objectContaining({ id: expect.any(String), client_address: expect.any(String) })]);
  expectNoSecrets(sessions.body, tokens.access_token, tokens.refresh_token);

  expect(await asOperator('GET', '/api/admin/users/nobody-here-0')).toMatchObject({ status: 404, body: { code: 'user_not_found' } });
});

it('pages through a search with a cursor', async () => {
  const prefix = uniqueName('pg');
  for (let i = 0; i < 3; i++) expect((await gateway.signup(`${prefix}-${i}`)).status).toBe(201);
  const seen = new Set<string>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await asOperator('GET', `/api/admin/users?q=${prefix}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(page.status).toBe(200);
    for (const user of page.body.users) seen.add(user.username);
    cursor = page.body.next_cursor;
    pages++;
  } while (cursor && pages < 1000);
  expect([...seen].sort()).toEqual([0, 1, 2].map((i) => `${prefix}-${i}`));
  expect(await asOperator('GET', '/api/admin/users?q=x&cursor=not-ours')).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
});

it('disabling refuses the live access token at the gateway, refresh and signin at once; enabling restores signin', async () => {
  const { username, tokens } = await gateway.newSession('adm');
  expect((await gateway.info(tokens.access_token)).status).toBe(200);

  const disabled = await asOperator('POST', `/api/admin/disable/${username}`);
  expect(disabled).toMatchObject({ status: 200, body: { username, status: 'disabled' } });
  // Kong itself: the credential the token was checked against is gone.
  expect((await gateway.info(tokens.access_token)).status).toBe(401);
  expect((await gateway.refresh(tokens.refresh_token)).status).toBe(401);
  expect(await gateway.signin(username)).toMatchObject({ status: 403, body: { code: 'account_disabled' } });
  // A wrong password learns nothing new.
  expect(await gateway.signin(username, 'wrong password here')).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
  // Twice is fine.
  expect((await asOperator('POST', `/api/admin/disable/${username}`)).status).toBe(200);

  expect(await asOperator('POST', `/api/admin/enable/${username}`)).toMatchObject({ status: 200, body: { status: 'active' } });
  const again = await gateway.signin(username);
  expect(again.status).toBe(200);
  expect((await gateway.info(again.body.access_token)).status).toBe(200);
  // The old token stays refused.
  expect((await gateway.info(tokens.access_token)).status).toBe(401);
});

it('signs a user out everywhere', async () => {
  const { username, tokens } = await gateway.newSession('adm');
  expect((await asOperator('POST', `/api/admin/sign-out/${username}`)).status).toBe(200);
  expect((await gateway.info(tokens.access_token)).status).toBe(401);
  expect((await gateway.refresh(tokens.refresh_token)).status).toBe(401);
  expect((await asOperator('GET', `/api/admin/sessions/${username}`)).body).toEqual([]);
  expect((await gateway.signin(username)).status).toBe(200);
});

it('deletes every item of the user and their Kong consumer, twice is fine, and the name can be registered again', async () => {
  const { username, tokens } = await gateway.newSession('adm');
  const account = (await storedUser(username))!;
  const accountId = account.accountId as string;
  // An attempt counter, a second session, a profile (written as the profile service would).
  await gateway.signin(username, 'a wrong password');
  await gateway.signin(username);
  await db.send(new PutCommand({ TableName: await tableEnding('-profiles'), Item: { accountId, username, displayName: 'x', bio: '', location: '', website: '', createdAt: 'now', updatedAt: 'now' } }));
  expect((await itemsOf(username, accountId)).length).toBeGreaterThan(3);
  expect((await admin('GET', `/consumers/${username}`)).status).toBe(200);

  expect((await asOperator('DELETE', `/api/admin/users/${username}`)).status).toBe(204);
  expect(await itemsOf(username, accountId)).toEqual([]);
  expect((await admin('GET', `/consumers/${username}`)).status).toBe(404);
  expect((await gateway.info(tokens.access_token)).status).toBe(401);
  expect((await gateway.refresh(tokens.refresh_token)).status).toBe(401);
  expect((await asOperator('DELETE', `/api/admin/users/${username}`)).status).toBe(204);
  expect((await asOperator('GET', `/api/admin/users/${username}`)).status).toBe(404);

  // The name again, for someone new: nothing of the old user works for them or against them.
  expect((await gateway.signup(username, 'another long password')).status).toBe(201);
  expect((await gateway.signin(username)).status).toBe(401);
  const fresh = await gateway.signin(username, 'another long password');
  expect(fresh.status).toBe(200);
  expect((await gateway.info(tokens.access_token)).status).toBe(401);
  expect((await gateway.refresh(tokens.refresh_token)).status).toBe(401);
  expect((await gateway.info(fresh.body.access_token)).status).toBe(200);
});

it('lets a user export their data and delete their own account with their password', async () => {
  const { username, tokens } = await gateway.newSession('own');
  const exported = await request(`${PROXY}/api/jwt/account/export`, { headers: bearer(tokens.access_token) });
  expect(exported).toMatchObject({
    status: 200,
    body: { account: { username, status: 'active' }, sessions: [expect.objectContaining({ current: true, client_address: expect.any(String) })], profile: null, factors: [] },
  });
  expectNoSecrets(exported.body, tokens.access_token, tokens.refresh_token);
  const accountId = exported.body.account.id as string;

  const remove = (password: unknown) => request(`${PROXY}/api/jwt/account`, { method: 'DELETE', headers: bearer(tokens.access_token), body: { password } });
  expect(await remove('not my password')).toMatchObject({ status: 403, body: { code: 'incorrect_password' } });
  expect((await remove('')).status).toBe(400);
  expect((await gateway.info(tokens.access_token)).status).toBe(200);

  expect((await remove(PASSWORD)).status).toBe(204);
  // Before any sign-in attempt: a failed one counts on the name whether it exists or not.
  expect(await itemsOf(username, accountId)).toEqual([]);
  expect((await admin('GET', `/consumers/${username}`)).status).toBe(404);
  expect((await gateway.info(tokens.access_token)).status).toBe(401);
  expect((await gateway.signin(username)).status).toBe(401);
  expect((await gateway.signup(username)).status).toBe(201);
});

describe("the profile page's export and deletion, with the browser session's cookie", () => {
  const web = browserSessions(PROXY);
  const ORIGIN = { Origin: PROXY, 'Sec-Fetch-Site': 'same-origin' };

  it('offers both on the profile page', async () => {
    const { session } = await web.signedIn('pg');
    const page = await call(PROXY, '/profile', { session, headers: { Accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.text).toContain('action="/api/session/account/delete"');
    expect(page.text).toContain('href="/api/session/account/export"');
  });

  it('downloads the export; deletes only from the same origin, with the right password, then clears the cookie', async () => {
    const { username, session } = await web.signedIn('pg');
    const exported = await call(PROXY, '/api/session/account/export', { session });
    expect(exported).toMatchObject({ status: 200, body: { account: { username, email: expect.stringContaining('@') } } });
    expect(exported.headers.get('content-disposition')).toContain('attachment');
    expectNoSecrets(exported.body, session);
    expect((await call(PROXY, '/api/session/account/export')).status).toBe(401);

    const cross = await call(PROXY, '/api/session/account/delete', { form: { password: PASSWORD }, session, headers: { Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' } });
    expect(cross.status).toBe(403);
    const wrong = await call(PROXY, '/api/session/account/delete', { form: { password: 'not my password' }, session, headers: ORIGIN });
    expect(wrong.status).toBe(403);
    expect(wrong.text).toContain('Delete your account');
    expect((await storedUser(username))?.status).toBe('active');

    const deleted = await call(PROXY, '/api/session/account/delete', { form: { password: PASSWORD }, session, headers: ORIGIN });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe('/signin?account_deleted=1');
    expect(await storedUser(username)).toBeUndefined();
    expect((await web.profile(session)).status).toBe(401);
  });
});
