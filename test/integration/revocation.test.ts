import { handler as info } from '../../functions/protected/info';
import { handler as logout } from '../../functions/protected/logout';
import { handler as logoutAll } from '../../functions/protected/logout-all';
import { handler as password } from '../../functions/protected/password';
import { handler as refresh } from '../../functions/public/refresh';
import { handler as revoke } from '../../functions/public/revoke';
import { PUBLIC_KEYS } from '../support/signing';
import { admin, PASSWORD, storedUser } from '../support/clients';
import { apiEvent, invoke } from '../support/events';
import { bearer as withBearer } from '../support/http';
import { signedInUser, signinAs } from '../support/users';

const callInfo = (token: string) => invoke(info, apiEvent('GET', '/api/jwt/info', { headers: withBearer(token) }));
const callRefresh = (refresh_token: string) => invoke(refresh, apiEvent('POST', '/api/public/refresh', { body: { refresh_token } }));
const callLogout = (token: string) => invoke(logout, apiEvent('POST', '/api/jwt/logout', { headers: withBearer(token) }));
const callLogoutAll = (token: string) => invoke(logoutAll, apiEvent('POST', '/api/jwt/logout-all', { headers: withBearer(token) }));
const callRevoke = (body: unknown) => invoke(revoke, apiEvent('POST', '/api/public/revoke', { body }));
const callPassword = (token: string, body: unknown) =>
  invoke(password, apiEvent('POST', '/api/jwt/password', { body, headers: withBearer(token) }));

describe('logout', () => {
  it('refuses the access token and the whole refresh-token family afterwards', async () => {
    const { tokens } = await signedInUser();
    const rotated = (await callRefresh(tokens.refresh_token)).body;

    expect(await callLogout(rotated.access_token)).toMatchObject({ status: 200, body: { message: 'Signed out' } });

    expect((await callInfo(rotated.access_token)).status).toBe(401);
    // An older access token of the same session is dead too.
    expect((await callInfo(tokens.access_token)).status).toBe(401);
    expect((await callRefresh(rotated.refresh_token)).status).toBe(401);
    expect((await callLogout(rotated.access_token)).status).toBe(401);
  });

  it('leaves the user’s other sessions alone', async () => {
    const { username, tokens } = await signedInUser();
    const other = (await signinAs(username)).body;
    await callLogout(tokens.access_token);
    expect((await callInfo(other.access_token)).status).toBe(200);
    expect((await callRefresh(other.refresh_token)).status).toBe(200);
  });

  it('does not let a refresh racing a logout leave a live token behind', async () => {
    const { tokens } = await signedInUser();
    const [refreshed] = await Promise.all([callRefresh(tokens.refresh_token), callLogout(tokens.access_token)]);
    if (refreshed.status === 200) {
      expect((await callRefresh(refreshed.body.refresh_token)).status).toBe(401);
      expect((await callInfo(refreshed.body.access_token)).status).toBe(401);
    } else {
      expect(refreshed.status).toBe(401);
    }
  });
});

describe('logout-all', () => {
  it('ends every session and rotates the Kong credential', async () => {
    const { username, tokens } = await signedInUser();
    const second = (await signinAs(username)).body;
    const before = (await storedUser(username))!;

    expect(await callLogoutAll(tokens.access_token)).toMatchObject({ status: 200 });

    const after = (await storedUser(username))!;
    // What Kong finds tokens' credentials by (their ckey): one secret credential's key, or the public-key credentials' issuer.
    const keysOf = async (consumerId: string) => (await admin('GET', `/consumers/${consumerId}/jwt`)).body.data.map((c: { key: string }) => c.key);
    if (PUBLIC_KEYS) {
      expect(after.credentialIssuer).not.toBe(before.credentialIssuer);
      expect(after.credentialSecret).toBeUndefined();
      expect(await keysOf(after.consumerId)).toEqual(after.credentialKids.map((kid: string) => `${after.credentialIssuer}.${kid}`));
    } else {
      expect(after.credentialKey).not.toBe(before.credentialKey);
      expect(await keysOf(after.consumerId)).toEqual([after.credentialKey]);
    }
    for (const session of [tokens, second]) {
      expect((await callInfo(session.access_token)).status).toBe(401);
      expect((await callRefresh(session.refresh_token)).status).toBe(401);
    }
    const fresh = await signinAs(username);
    expect((await callInfo(fresh.body.access_token)).status).toBe(200);
  });
});

describe('revoke', () => {
  it('revokes a known refresh token’s family and answers the same for unknown and malformed tokens', async () => {
    const { tokens } = await signedInUser();
    const known = await callRevoke({ token: tokens.refresh_token });
    const unknown = await callRevoke({ token: 'A'.repeat(43) });
    const malformed = await callRevoke({ token: '%%% not a token %%%' });

    expect(known).toEqual(unknown);
    expect(malformed).toEqual(known);
    expect(known.status).toBe(200);
    expect((await callRefresh(tokens.refresh_token)).status).toBe(401);
    expect((await callInfo(tokens.access_token)).status).toBe(401);
  });

  it('answers a body without a token with 400', async () => {
    expect(await callRevoke({})).toMatchObject({ status: 400, body: { message: 'token: is required' } });
  });
});

describe('password change', () => {
  it('checks the current password, ends other sessions and answers fresh tokens', async () => {
    const { username, tokens } = await signedInUser();
    const other = (await signinAs(username)).body;

    const wrong = await callPassword(tokens.access_token, { current_password: 'not it at all', new_password: 'a brand new secret' });
    expect(wrong).toMatchObject({ status: 403, body: { code: 'incorrect_password', message: 'Current password is incorrect' } });

    const weak = await callPassword(tokens.access_token, { current_password: PASSWORD, new_password: 'short' });
    expect(weak).toMatchObject({ status: 400, body: { code: 'weak_password', message: 'new_password: must be at least 15 characters' } });

    const changed = await callPassword(tokens.access_token, { current_password: PASSWORD, new_password: 'a brand new secret' });
    expect(changed.status).toBe(200);
    expect((await callInfo(changed.body.access_token)).status).toBe(200);
    expect((await callRefresh(changed.body.refresh_token)).status).toBe(200);

    for (const session of [tokens, other]) {
      expect((await callInfo(session.access_token)).status).toBe(401);
      expect((await callRefresh(session.refresh_token)).status).toBe(401);
    }
    expect((await signinAs(username)).status).toBe(401);
    expect((await signinAs(username, 'a brand new secret')).status).toBe(200);
  });
});
