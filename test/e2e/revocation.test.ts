import { PASSWORD } from '../support/clients';
import { client } from '../support/flow';

const gateway = client(process.env.PROXY_URL!);
const NO_CREDENTIAL = { status: 401, body: { message: "No credentials found for given 'ckey'" } };

describe('revocation through the gateway', () => {
  it('logout: both tokens of the session stop working', async () => {
    const { tokens } = await gateway.newSession();
    expect((await gateway.logout(tokens.access_token)).status).toBe(200);

    expect(await gateway.info(tokens.access_token)).toMatchObject({ status: 401, body: { message: 'Unauthorized' } });
    expect((await gateway.refresh(tokens.refresh_token)).status).toBe(401);
  });

  it('logout-all: every session from every signin ends, and the gateway itself refuses the old tokens', async () => {
    const { username, tokens: first } = await gateway.newSession();
    const second = (await gateway.signin(username)).body;

    expect((await gateway.logoutAll(second.access_token)).status).toBe(200);

    for (const session of [first, second]) {
      expect(await gateway.info(session.access_token)).toMatchObject(NO_CREDENTIAL);
      expect((await gateway.refresh(session.refresh_token)).status).toBe(401);
    }
    const fresh = (await gateway.signin(username)).body;
    expect((await gateway.info(fresh.access_token)).status).toBe(200);
  });

  it('password change: the old access token is refused, the new tokens and password work', async () => {
    const { username, tokens } = await gateway.newSession();
    const changed = await gateway.changePassword(tokens.access_token, PASSWORD, 'an entirely new one');
    expect(changed.status).toBe(200);

    expect(await gateway.info(tokens.access_token)).toMatchObject(NO_CREDENTIAL);
    expect((await gateway.info(changed.body.access_token)).status).toBe(200);
    expect((await gateway.signin(username, PASSWORD)).status).toBe(401);
    expect((await gateway.signin(username, 'an entirely new one')).status).toBe(200);
  });

  it('revoke: the same answer for a known, an unknown and a malformed token; the known one is dead', async () => {
    const { tokens } = await gateway.newSession();
    const known = await gateway.revoke(tokens.refresh_token);
    const unknown = await gateway.revoke('B'.repeat(43));
    const malformed = await gateway.revoke('not even base64 !!');

    expect(known.status).toBe(200);
    expect(unknown.body).toEqual(known.body);
    expect(malformed.body).toEqual(known.body);
    expect((await gateway.refresh(tokens.refresh_token)).status).toBe(401);
    expect((await gateway.revoke(42)).status).toBe(400);
  });

  it('a refresh racing a logout leaves no live token behind', async () => {
    for (let round = 0; round < 3; round++) {
      const { tokens } = await gateway.newSession();
      const [refreshed] = await Promise.all([gateway.refresh(tokens.refresh_token), gateway.logout(tokens.access_token)]);
      if (refreshed.status === 200) {
        expect((await gateway.info(refreshed.body.access_token)).status).toBe(401);
        expect((await gateway.refresh(refreshed.body.refresh_token)).status).toBe(401);
      }
      expect((await gateway.refresh(tokens.refresh_token)).status).toBe(401);
    }
  });
});
