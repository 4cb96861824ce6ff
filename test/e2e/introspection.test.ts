/**
 * RFC 7662 introspection through the gateway, as a resource service uses it:
 * authenticated by Kong's key-auth (a consumer with a key), form-encoded,
 * answering at once what logout, logout-all, a password change or a reused
 * refresh token did.
 */
import { PASSWORD, resourceService } from '../support/clients';
import { client } from '../support/flow';

const gateway = client(process.env.PROXY_URL!);
let apikey: string;

beforeAll(async () => {
  // A resource service, as an operator registers one: a consumer, a key, the group.
  apikey = await resourceService();
});

async function introspect(token: string, headers: Record<string, string> = { apikey }) {
  const response = await fetch(`${process.env.PROXY_URL}/api/introspect`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token }).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
const active = async (token: string) => ((await introspect(token)).body as { active: boolean }).active;

it('refuses callers without a valid key with Kong\'s 401, before the function runs', async () => {
  const { tokens } = await gateway.newSession();
  expect(await introspect(tokens.access_token, {})).toMatchObject({ status: 401, body: { message: 'No API key found in request' } });
  expect(await introspect(tokens.access_token, { apikey: 'not-a-key' })).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
  // Keys travel in the header only.
  const inQuery = await fetch(`${process.env.PROXY_URL}/api/introspect?apikey=${apikey}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: tokens.access_token }).toString(),
  });
  expect(inQuery.status).toBe(401);
});

it('refuses a valid key whose consumer is not in token-introspection with Kong\'s 403 (acl), before the function runs', async () => {
  const { username, tokens } = await gateway.newSession();
  // Any other consumer with a key in the same Kong: a partner's, another tool's.
  for (const outsider of [await resourceService([]), await resourceService(['partners'])]) {
    const refused = await introspect(tokens.access_token, { apikey: outsider });
    expect(refused).toEqual({ status: 403, body: { message: 'You cannot consume this service', request_id: expect.any(String) } });
    expect(JSON.stringify(refused.body)).not.toContain(username);
  }
  // The same token, asked by a resource service in the group.
  expect(await introspect(tokens.access_token)).toMatchObject({ status: 200, body: { active: true, sub: username } });
});

it('describes active tokens, and answers {"active": false} for anything else', async () => {
  const { username, tokens } = await gateway.newSession();
  expect(await introspect(tokens.access_token)).toMatchObject({ status: 200, body: { active: true, sub: username, username, token_type: 'access_token' } });
  expect(await introspect(tokens.refresh_token)).toMatchObject({ status: 200, body: { active: true, sub: username, token_type: 'refresh_token' } });
  for (const junk of ['', 'x', 'a.b.c', 'B'.repeat(43)].filter(Boolean)) expect(await introspect(junk)).toEqual({ status: 200, body: { active: false } });
});

it('reflects logout, logout-all, a password change and refresh-token reuse at once', async () => {
  const loggedOut = await gateway.newSession();
  await gateway.logout(loggedOut.tokens.access_token);
  expect([await active(loggedOut.tokens.access_token), await active(loggedOut.tokens.refresh_token)]).toEqual([false, false]);

  const everywhere = await gateway.newSession();
  const other = (await gateway.signin(everywhere.username)).body;
  await gateway.logoutAll(other.access_token);
  expect([await active(everywhere.tokens.access_token), await active(other.refresh_token)]).toEqual([false, false]);

  const changing = await gateway.newSession();
  const changed = (await gateway.changePassword(changing.tokens.access_token, PASSWORD, 'a whole new password')).body;
  expect([await active(changing.tokens.access_token), await active(changed.access_token)]).toEqual([false, true]);

  const reused = await gateway.newSession();
  const next = (await gateway.refresh(reused.tokens.refresh_token)).body;
  await gateway.refresh(next.refresh_token);
  await gateway.refresh(reused.tokens.refresh_token); // reuse: the session is revoked
  expect([await active(next.access_token), await active(reused.tokens.access_token)]).toEqual([false, false]);
});
