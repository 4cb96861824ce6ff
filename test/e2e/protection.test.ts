import { randomInt } from 'node:crypto';
import { PASSWORD, uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { requestFrom } from '../support/http';

// Through the gateway, as clients at addresses of their own: the whole of
// 127.0.0.0/8 is this machine, and the gateway hands the TCP peer to the
// functions as the client's address. The service's real numbers apply.
const loopback = () => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;
const clientAt = (address = loopback(), headers: Record<string, string> = {}) =>
  client(process.env.PROXY_URL!, (url, init = {}) => requestFrom(address)(url, { ...init, headers: { ...init.headers, ...headers } }));

const TOO_MANY = { status: 429, body: { code: 'too_many_attempts', message: 'Too many failed attempts: try again later' } };

describe('account protection through the gateway', () => {
  it('refuses the right password after six wrong ones, with Retry-After, and the same for a name nobody has', async () => {
    const me = clientAt();
    const { username } = await me.newSession('guarded');
    const ghost = uniqueName('ghost');
    for (let i = 0; i < 6; i++) {
      const [real, unknown] = [await me.signin(username, `wrong ${i}`), await me.signin(ghost, `wrong ${i}`)];
      expect(real).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });
      expect(unknown.body).toEqual(real.body);
    }
    const refused = await me.signin(username, PASSWORD);
    expect(refused).toMatchObject(TOO_MANY);
    expect(refused.headers.get('retry-after')).toBe('2');
    const refusedGhost = await me.signin(ghost, PASSWORD);
    expect(refusedGhost.body).toEqual(refused.body);
    expect(refusedGhost.headers.get('retry-after')).toBe('2');
  });

  it('blocks an address spraying names, whatever X-Forwarded-For it claims, and not the addresses next to it', async () => {
    const address = loopback();
    const sprayer = clientAt(address);
    const claimed = clientAt(address, { 'X-Forwarded-For': loopback(), 'X-Real-IP': loopback() });
    for (let i = 0; i < 30; i++) expect((await claimed.signin(uniqueName('sprayed'), 'Summer2024!')).status).toBe(401);

    const blocked = await claimed.signin(uniqueName('sprayed'), 'Summer2024!');
    expect(blocked).toMatchObject(TOO_MANY);
    expect(blocked.headers.get('retry-after')).toBe('900');
    expect(await sprayer.signup(uniqueName('new'))).toMatchObject(TOO_MANY);

    const neighbour = clientAt(address.replace(/\.(\d+)$/, (_, last) => `.${(Number(last) % 254) + 1}`));
    expect((await neighbour.signup(uniqueName('new'))).status).toBe(201);
  });

  it('takes 64- and 100-character passwords, and refuses a common one', async () => {
    const me = clientAt();
    for (const password of ['correct horse battery staple, and a few more words to reach 64!!'.slice(0, 64), 'k9$Lm2#qZ'.repeat(12).slice(0, 100)]) {
      const username = uniqueName('long');
      expect((await me.signup(username, password)).status).toBe(201);
      expect((await me.signin(username, password)).status).toBe(200);
    }
    expect(await me.signup(uniqueName('weak'), 'Password123456789')).toMatchObject({ status: 400, body: { code: 'weak_password' } });
  });
});

describe('sessions the user can see, through the gateway', () => {
  it('lists the caller’s sessions with where they came from, ends another one by id, and not someone else’s', async () => {
    const laptopAddress = loopback();
    const laptop = clientAt(laptopAddress, { 'User-Agent': 'Laptop Browser/1.0' });
    const phone = clientAt(loopback(), { 'User-Agent': 'Phone App/2.0' });
    const { username, tokens: first } = await laptop.newSession('owner');
    const second = (await phone.signin(username)).body;

    const listed = await laptop.sessions(first.access_token);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(2);
    const mine = listed.body.find((s: { current: boolean }) => s.current);
    expect(mine).toMatchObject({ client_address: laptopAddress, user_agent: 'Laptop Browser/1.0' });
    const other = listed.body.find((s: { current: boolean }) => !s.current);
    expect(other).toMatchObject({ user_agent: 'Phone App/2.0' });

    const stranger = await clientAt().newSession('stranger');
    expect(await laptop.endSession(stranger.tokens.access_token, other.id)).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect((await phone.info(second.access_token)).status).toBe(200);

    expect(await laptop.endSession(first.access_token, other.id)).toMatchObject({ status: 200, body: { message: 'Session ended' } });
    expect((await phone.info(second.access_token)).status).toBe(401);
    expect((await phone.refresh(second.refresh_token)).status).toBe(401);
    expect((await laptop.sessions(first.access_token)).body.map((s: { id: string }) => s.id)).toEqual([mine.id]);
  });

  it('lets Kong refuse both routes without a token', async () => {
    const anyone = clientAt();
    expect((await anyone.sessions('')).status).toBe(401);
    expect((await anyone.endSession('', '00000000-0000-4000-8000-000000000000')).status).toBe(401);
  });
});
