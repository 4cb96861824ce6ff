/**
 * Issue 22, items 7 and 8, through the gateway: a name hammered by an
 * attacker past its backoff still lets in the user's own clients, an API
 * client by the device token of its last sign-in and a browser by its device
 * cookie, while a client without one meets the backoff; and the signup's
 * idempotent retry counts a wrong password instead of being a free oracle.
 */
import { randomInt } from 'node:crypto';
import { browserSessions, type Answer } from '../support/browser-sessions';
import { PASSWORD, uniqueName } from '../support/clients';
import { client } from '../support/flow';
import { requestFrom } from '../support/http';

const PROXY = process.env.PROXY_URL!;
const loopback = () => `127.${randomInt(1, 255)}.${randomInt(256)}.${randomInt(1, 255)}`;
const clientAt = (address = loopback()) => client(PROXY, requestFrom(address));
const web = browserSessions(PROXY);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wrong guesses until the name is held off for 8 s or more (the 8th failure:
 * 2 s, 4 s, 8 s), waiting out the shorter delays, so that the checks after
 * it run inside the backoff however slow the machine is. `guess` is one
 * wrong attempt; it answers its refusal status (401 or 409) until held off.
 */
async function heldOff(guess: (i: number) => Promise<{ status: number; headers: Headers }>, refused: number): Promise<number> {
  let counted = 0;
  for (let i = 0; i < 20; i++) {
    const answer = await guess(i);
    if (answer.status !== 429) {
      expect(answer.status).toBe(refused);
      counted += 1;
      continue;
    }
    const retryAfter = Number(answer.headers.get('retry-after'));
    if (retryAfter >= 6) return counted;
    await sleep(retryAfter * 1000);
  }
  throw new Error('never held off');
}

/** An attacker at an address of its own hammers the name with wrong passwords until it is in backoff for everyone. */
async function hammer(username: string) {
  const attacker = clientAt();
  await heldOff((i) => attacker.signin(username, `wrong guess ${i}`), 401);
  expect((await attacker.signin(username, PASSWORD)).status).toBe(429);
}

/** The device cookie a browser sign-in sets: name=value, as the browser sends it back, and its attributes. */
function deviceCookieOf(answer: Answer) {
  const line = answer.headers.getSetCookie().find((cookie) => /^(__Secure-)?device_token=/.test(cookie));
  expect(line).toBeDefined();
  return { cookie: line!.split(';')[0], attributes: line! };
}

describe('device tokens against a targeted lockout (issue 22, item 7)', () => {
  it('lets an API client with the device token of its last sign-in through the backoff, and not one without it', async () => {
    const phone = clientAt();
    const { username, tokens } = await phone.newSession('hammered');
    expect(tokens).toMatchObject({ device_token: expect.stringMatching(/^d1\./) });
    expect(tokens.device_token).not.toContain(username);
    await hammer(username);

    expect(await phone.signin(username)).toMatchObject({ status: 429, body: { code: 'too_many_attempts' } });
    const send = requestFrom(loopback());
    const withDevice = await send(`${PROXY}/api/public/signin`, { method: 'POST', body: { username, password: PASSWORD, device_token: tokens.device_token } });
    expect(withDevice).toMatchObject({ status: 200, body: { token_type: 'Bearer', device_token: expect.stringMatching(/^d1\./) } });
    expect((await phone.info(withDevice.body.access_token)).status).toBe(200);

    // A wrong password with that device token counts against it, not the name: five free, then its own backoff.
    const device_token = withDevice.body.device_token;
    await heldOff((i) => send(`${PROXY}/api/public/signin`, { method: 'POST', body: { username, password: `wrong ${i}`, device_token } }), 401);
    const held = await send(`${PROXY}/api/public/signin`, { method: 'POST', body: { username, password: PASSWORD, device_token: withDevice.body.device_token } });
    expect(held.status).toBe(429);
  }, 120_000);

  it('lets a browser with its device cookie through the backoff, and not one without it; the cookie is HttpOnly, SameSite=Strict, for the login route alone', async () => {
    const { username } = await web.signedIn();
    const first = await web.login(username);
    expect(first.status).toBe(200);
    const { cookie, attributes } = deviceCookieOf(first);
    expect(attributes).toMatch(/; Max-Age=7776000; Path=\/api\/session\/login; HttpOnly; SameSite=Strict$/);
    await hammer(username);

    expect(await web.login(username)).toMatchObject({ status: 429, body: { code: 'too_many_attempts' } });
    const withCookie = await web.login(username, PASSWORD, { Cookie: cookie });
    expect(withCookie.status).toBe(200);
    expect(deviceCookieOf(withCookie).cookie).not.toBe(cookie);
  }, 90_000);

  it('stops honouring a device token once the user signs out everywhere', async () => {
    const phone = clientAt();
    const { username, tokens } = await phone.newSession('revoked');
    expect((await phone.logoutAll(tokens.access_token)).status).toBe(200);
    await hammer(username);
    const send = requestFrom(loopback());
    const refused = await send(`${PROXY}/api/public/signin`, { method: 'POST', body: { username, password: PASSWORD, device_token: tokens.device_token } });
    expect(refused.status).toBe(429);
  }, 90_000);
});

describe('signup’s idempotent retry is no password oracle (issue 22, item 8)', () => {
  it('counts a retry with a guessed password within the minute (409) as a failed sign-in; in the backoff even the right one is 409, unchecked', async () => {
    const owner = clientAt();
    const username = uniqueName('oracle');
    expect((await owner.signup(username)).status).toBe(201);
    const guesser = clientAt();
    for (let i = 0; i < 6; i++) {
      expect(await guesser.signup(username, `a guessed passphrase number ${i}`)).toMatchObject({ status: 409, body: { code: 'username_taken' } });
    }
    // The six guesses are on the name's count: a few more failures at sign-in (not six) hold it off for 8 s.
    expect(await heldOff((i) => clientAt().signin(username, `wrong guess ${i}`), 401)).toBeLessThan(3);
    expect(await guesser.signup(username, PASSWORD)).toMatchObject({ status: 409, body: { code: 'username_taken' } });
    expect((await owner.signin(username)).status).toBe(429);
  }, 90_000);
});
