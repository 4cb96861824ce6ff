/**
 * Account recovery and verified email through the gateway, with the mail read
 * from the stack's maildev (docs/recovery.md).
 */
import http from 'node:http';
import { call, browserSessions, sessionSet } from '../support/browser-sessions';
import { PASSWORD, uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { linkIn, mailTo, waitForMail } from '../support/maildev';

const base = process.env.PROXY_URL!;
const gateway = client(base);
const browser = browserSessions(base);
const NEW_PASSWORD = 'a brand new passphrase for recovery';
const RESET = /reset your password/;
const CHANGED = /your password was changed/;
const VERIFY = /confirm your email address/;

const post = (path: string, json: unknown, headers: Record<string, string> = {}) => call(base, path, { json, headers });

/** A token account with an address; its name and address. */
async function accountWithEmail(prefix = 'rec') {
  const username = uniqueName(prefix);
  const email = `${username}@Example.TEST`;
  const made = await post('/api/public/signup', { username, password: PASSWORD, email });
  expect(made.status).toBe(201);
  return { username, email: `${username}@example.test` };
}

/** A POST with the Host and X-Forwarded-Host a client chose (fetch would not send a forged Host). */
function postWithHost(path: string, json: unknown, host: string): Promise<number> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const request = http.request(
      { hostname: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { Host: host, 'X-Forwarded-Host': host, 'Content-Type': 'application/json' } },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
    request.end(JSON.stringify(json));
  });
}

async function resetLink(email: string, count = 1) {
  return linkIn(await waitForMail(email, RESET, { count }));
}

describe('forgot password', () => {
  it('answers the same for a known account, an unknown one, and an unknown address; only the known one gets a mail', async () => {
    const { username, email } = await accountWithEmail();
    const known = await post('/api/public/password/forgot', { username });
    const unknown = await post('/api/public/password/forgot', { username: uniqueName('nobody') });
    const unknownAddress = await post('/api/public/password/forgot', { email: `${uniqueName('nobody')}@example.test` });
    const byAddress = await post('/api/public/password/forgot', { email });
    for (const answer of [known, unknown, unknownAddress, byAddress]) {
      expect(answer.status).toBe(202);
      expect(answer.text).toBe(known.text);
    }
    await waitForMail(email, RESET, { count: 2 });
  });

  it('takes a form post from the forgot page, the username field holding an address', async () => {
    const { email } = await accountWithEmail();
    const answer = await call(base, '/api/public/password/forgot', { form: { username: email }, headers: { Origin: base } });
    expect(answer.status).toBe(202);
    expect(answer.text).toContain('If an account matches');
    await waitForMail(email, RESET);
  });

  it('builds the link from the configured URL, whatever Host and X-Forwarded-Host say', async () => {
    const { username, email } = await accountWithEmail();
    expect(await postWithHost('/api/public/password/forgot', { username }, 'attacker.example')).toBe(202);
    const { url } = await resetLink(email);
    expect(url.startsWith(`${base}/password/reset?token=`)).toBe(true);
    const mail = await waitForMail(email, RESET);
    expect(`${mail.text}${mail.html}`).not.toContain('attacker.example');
  });
});

describe('password reset', () => {
  it('refuses a weak password without spending the token, works once, then the token is refused', async () => {
    const { username, email } = await accountWithEmail();
    await post('/api/public/password/forgot', { username });
    const { token } = await resetLink(email);

    // The page the link opens is a form; opening it spends nothing.
    const page = await call(base, `/password/reset?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.text).toContain('name="token"');

    const weak = await post('/api/public/password/reset', { token, new_password: 'password' });
    expect(weak).toMatchObject({ status: 400, body: { code: 'weak_password' } });
    const done = await post('/api/public/password/reset', { token, new_password: NEW_PASSWORD });
    expect(done).toMatchObject({ status: 200, body: { status: 'password_reset' } });
    const again = await post('/api/public/password/reset', { token, new_password: `${NEW_PASSWORD} again` });
    expect(again).toMatchObject({ status: 400, body: { code: 'invalid_reset_token' } });

    expect((await gateway.signin(username, PASSWORD)).status).toBe(401);
    expect((await gateway.signin(username, NEW_PASSWORD)).status).toBe(200);
  });

  it('keeps the CSRF rules: another site, or a null Origin no browser vouches for, is refused', async () => {
    const token = 'A'.repeat(43);
    const form = { token, new_password: NEW_PASSWORD };
    const refused: Array<Record<string, string>> = [{ Origin: 'https://attacker.example' }, { Origin: 'null' }, { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }];
    for (const headers of refused) {
      expect(await call(base, '/api/public/password/reset', { form, headers })).toMatchObject({ status: 403, body: { code: 'cross_site_request' } });
    }
    // The reset page is no-referrer, so its own form posts Origin null, with the browser's Sec-Fetch-Site.
    const own = await call(base, '/api/public/password/reset', { form, headers: { Origin: 'null', 'Sec-Fetch-Site': 'same-origin' } });
    expect(own.status).toBe(400);
    expect(own.text).toContain('The password reset link is invalid');
  });

  it('refuses unknown and malformed tokens with the same clear code', async () => {
    for (const token of ['short', 'A'.repeat(43), '../../etc/passwd']) {
      expect(await post('/api/public/password/reset', { token, new_password: NEW_PASSWORD })).toMatchObject({ status: 400, body: { code: 'invalid_reset_token' } });
    }
  });

  it('ends every session (refresh and access tokens, browser sessions) and mails a notice; nobody is signed in', async () => {
    const username = uniqueName('rec');
    expect((await browser.register(username)).status).toBe(201);
    const email = `${username}@example.com`;
    const session = sessionSet(await browser.login(username))!;
    const tokens = (await gateway.signin(username)).body;
    expect((await gateway.info(tokens.access_token)).status).toBe(200);

    // An older link dies with the password it was issued under.
    await post('/api/public/password/forgot', { username });
    await post('/api/public/password/forgot', { email });
    const older = (await resetLink(email, 1)).token;
    const { token } = await resetLink(email, 2);
    const done = await post('/api/public/password/reset', { token, new_password: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(done.headers.getSetCookie()).toEqual([]);

    expect((await gateway.refresh(tokens.refresh_token)).status).toBe(401);
    expect((await gateway.info(tokens.access_token)).status).toBe(401);
    expect((await browser.authenticate(session)).status).toBe(401);
    await waitForMail(email, CHANGED);
    expect(await post('/api/public/password/reset', { token: older, new_password: `${NEW_PASSWORD} 2` })).toMatchObject({
      status: 400,
      body: { code: 'invalid_reset_token' },
    });
  });
});

describe('verified email', () => {
  it('registration sends a link; following it flips X-Email-Verified at the gateway; a GET spends nothing', async () => {
    const username = uniqueName('ver');
    expect((await browser.register(username)).status).toBe(201);
    const email = `${username}@example.com`;
    const session = sessionSet(await browser.login(username))!;
    const before = await browser.authenticate(session);
    expect(before.headers.get('x-email-verified')).toBe('false');

    const { url, token } = linkIn(await waitForMail(email, VERIFY));
    expect(url.startsWith(`${base}/email/verify?token=`)).toBe(true);
    const page = await call(base, `/email/verify?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await browser.authenticate(session)).headers.get('x-email-verified')).toBe('false');

    expect(await post('/api/public/email/verify', { token })).toMatchObject({ status: 200, body: { username, email, email_verified: true } });
    const after = await browser.authenticate(session);
    expect(after.headers.get('x-email-verified')).toBe('true');
    expect(after.headers.get('x-email')).toBe(email);
    expect(await post('/api/public/email/verify', { token })).toMatchObject({ status: 400, body: { code: 'invalid_verification_token' } });
  });

  it('one account per address: a second registration answers the same, gets no address, and the owner is told', async () => {
    const owner = uniqueName('own');
    expect((await browser.register(owner)).status).toBe(201);
    const email = `${owner}@example.com`;
    const other = uniqueName('dup');
    const second = await browser.register(other, { email: `${owner}@EXAMPLE.com` });
    expect(second).toMatchObject({ status: 201, body: { username: other, email } });
    await waitForMail(email, /someone tried to register/);
    // Only the owner's verification link went out.
    expect(await mailTo(email, VERIFY)).toHaveLength(1);
    const session = sessionSet(await browser.login(other))!;
    const identity = await browser.authenticate(session);
    expect(identity.headers.get('x-email')).toBeNull();
    expect(identity.headers.get('x-email-verified')).toBe('false');
  });

  it('change of address: a link to the new one, a notice to the old, which stays until the link is used', async () => {
    const { username, email } = await accountWithEmail('chg');
    const tokens = (await gateway.signin(username)).body;
    const next = `${uniqueName('new')}@example.test`;
    const asked = await call(base, '/api/jwt/email', { json: { current_password: PASSWORD, new_email: next }, headers: { Authorization: `Bearer ${tokens.access_token}` } });
    expect(asked.status).toBe(202);
    await waitForMail(email, /being changed/);
    const { token } = linkIn(await waitForMail(next, VERIFY));

    // Until then, the old address is the account's: a reset goes there.
    await post('/api/public/password/forgot', { email });
    await waitForMail(email, RESET);

    expect(await post('/api/public/email/verify', { token })).toMatchObject({ status: 200, body: { email: next } });
    await post('/api/public/password/forgot', { email: next });
    await waitForMail(next, RESET);
  });
});
