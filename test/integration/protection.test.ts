import { randomInt } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { handler as password } from '../../functions/protected/password';
import { handler as signin } from '../../functions/public/signin';
import { handler as signup } from '../../functions/public/signup';
import { db, PASSWORD, uniqueName } from '../support/clients';
import { apiEvent, invoke } from '../support/events';
import { bearer } from '../support/http';
import { newUser, signedInUser } from '../support/users';

// The handlers in-process against DynamoDB Local, with the service's real
// numbers (5 free failures, then 2 s doubling to 15 minutes; 30 failures per
// address in 10 minutes). Every test uses names and an address of its own.
const address = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const signinFrom = (sourceIp: string, username: string, pw: string) =>
  invoke(signin, apiEvent('POST', '/api/public/signin', { body: { username, password: pw }, sourceIp }));
const signupFrom = (sourceIp: string, username: string, pw = PASSWORD) =>
  invoke(signup, apiEvent('POST', '/api/public/signup', { body: { username, password: pw }, sourceIp }));
const changePassword = (token: string, current_password: string, sourceIp: string) =>
  invoke(password, apiEvent('POST', '/api/jwt/password', { body: { current_password, new_password: 'a brand new secret' }, headers: bearer(token), sourceIp }));

const INVALID = { status: 401, body: { code: 'invalid_credentials', message: 'Invalid username or password' } };
const TOO_MANY = { status: 429, body: { code: 'too_many_attempts', message: 'Too many failed attempts: try again later' } };

/** The count kept for a username in the attempts table. */
const attemptsOf = async (username: string) =>
  (await db.send(new GetCommand({ TableName: process.env.ATTEMPTS_TABLE, Key: { id: `user#${username}` }, ConsistentRead: true }))).Item;

describe('per-username backoff at signin', () => {
  it('refuses the right password after six wrong ones with 429 and Retry-After, checks nothing, and lets it in once the delay is over', async () => {
    const username = await newUser('backoff');
    const from = address();
    for (let i = 0; i < 6; i++) expect(await signinFrom(from, username, `wrong guess ${i}`)).toMatchObject(INVALID);

    const refused = await signinFrom(from, username, PASSWORD);
    expect(refused).toMatchObject(TOO_MANY);
    expect(refused.headers['Retry-After']).toBe('2');
    // Refused before the password check: the right password reset nothing.
    expect(await attemptsOf(username)).toMatchObject({ attempts: 6 });

    await delay(Number(refused.headers['Retry-After']) * 1000);
    expect((await signinFrom(from, username, PASSWORD)).status).toBe(200);
    expect(await attemptsOf(username)).toBeUndefined();
  });

  it('answers a name nobody has exactly as one somebody has', async () => {
    const known = await newUser('known');
    const unknown = uniqueName('ghost');
    const from = address();
    for (let i = 0; i < 7; i++) {
      const [a, b] = [await signinFrom(from, known, `guess ${i}`), await signinFrom(from, unknown, `guess ${i}`)];
      expect({ status: b.status, body: b.body, retryAfter: b.headers['Retry-After'] }).toEqual({
        status: a.status,
        body: a.body,
        retryAfter: a.headers['Retry-After'],
      });
    }
    expect((await signinFrom(from, unknown, 'again')).status).toBe(429);
  });

  it('lets 6 of 50 concurrent wrong guesses reach the password check', async () => {
    const username = await newUser('flood');
    const from = address();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => signinFrom(from, username, `guess ${i}`)));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(6);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(44);
    expect(answers.filter((a) => a.status !== 401 && a.status !== 429)).toEqual([]);
    expect(await attemptsOf(username)).toMatchObject({ attempts: 6 });
  });
});

describe('backoff at password change', () => {
  it('counts wrong current passwords on the caller’s session (its own lane: docs/device-tokens.md), and holds that off, not sign-in', async () => {
    const { username, tokens } = await signedInUser('pwchange');
    const from = address();
    for (let i = 0; i < 6; i++) {
      expect(await changePassword(tokens.access_token, `not it ${i}`, from)).toMatchObject({ status: 403, body: { code: 'incorrect_password' } });
    }
    const refused = await changePassword(tokens.access_token, PASSWORD, from);
    expect(refused).toMatchObject(TOO_MANY);
    expect(refused.headers['Retry-After']).toBe('2');
    // Others' failures, or these, do not lock the user out of signing in (issue 22, item 7).
    expect((await signinFrom(from, username, PASSWORD)).status).toBe(200);
  });
});

describe('per-address blocking', () => {
  it('blocks an address spraying many names after 30 failures, for signin and signup, and no other address', async () => {
    const sprayer = address();
    const victims = await Promise.all([newUser('victim'), newUser('victim')]);
    for (let i = 0; i < 30; i++) {
      expect(await signinFrom(sprayer, i < 2 ? victims[i] : uniqueName('sprayed'), 'Summer2024!')).toMatchObject(INVALID);
    }
    const blocked = await signinFrom(sprayer, victims[0], PASSWORD);
    expect(blocked).toMatchObject(TOO_MANY);
    expect(blocked.headers['Retry-After']).toBe('900');
    expect(await signupFrom(sprayer, uniqueName('new'))).toMatchObject(TOO_MANY);

    // The victims themselves, elsewhere, are not held off: each name failed once.
    expect((await signinFrom(address(), victims[0], PASSWORD)).status).toBe(200);
    expect((await signupFrom(address(), uniqueName('new'))).status).toBe(201);
  });
});
