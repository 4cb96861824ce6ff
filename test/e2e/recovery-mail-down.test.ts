/**
 * A stack of its own, with REQUIRE_VERIFIED_EMAIL on, whose maildev is stopped
 * and started again: a mail that cannot be sent changes no answer and loses
 * no state (docs/recovery.md, "reported, not retried").
 */
import type { Stack } from '../../scripts/stack';
import { call } from '../support/browser-sessions';
import { PASSWORD, uniqueName } from '../support/clients';
import { linkIn, waitForMail } from '../support/maildev';
import { startPrivateStack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startPrivateStack({ env: { REQUIRE_VERIFIED_EMAIL: 'true' } });
}, 180_000);
afterAll(() => stack?.stop());

const post = (path: string, json: unknown) => call(stack.urls.proxy, path, { json });

it('with maildev down: sign-up and forgot answer as usual and keep their state; once it is back, a resend goes out', async () => {
  await stack.components.maildev.stop();
  const username = uniqueName('down');
  const email = `${username}@example.test`;
  expect(await post('/api/public/signup', { username, password: PASSWORD, email })).toMatchObject({ status: 201, body: { username } });

  const known = await post('/api/public/password/forgot', { username });
  const unknown = await post('/api/public/password/forgot', { username: uniqueName('nobody') });
  expect(known.status).toBe(202);
  expect(known.text).toBe(unknown.text);

  await stack.components.maildev.start();
  // The address was kept, unverified: a resend reaches it now.
  expect((await post('/api/public/email/resend', { email })).status).toBe(202);
  const { token } = linkIn(await waitForMail(email, /confirm your email address/, { base: stack.urls.mail }));
  expect((await post('/api/public/email/verify', { token })).status).toBe(200);
});

it('REQUIRE_VERIFIED_EMAIL: a right password is refused with email_not_verified until the address is verified', async () => {
  const username = uniqueName('req');
  const email = `${username}@example.test`;
  expect((await post('/api/public/signup', { username, password: PASSWORD, email })).status).toBe(201);
  expect(await post('/api/public/signin', { username, password: PASSWORD })).toMatchObject({ status: 403, body: { code: 'email_not_verified' } });
  // A wrong password learns nothing more than before.
  expect(await post('/api/public/signin', { username, password: `${PASSWORD} wrong` })).toMatchObject({ status: 401, body: { code: 'invalid_credentials' } });

  const { token } = linkIn(await waitForMail(email, /confirm your email address/, { base: stack.urls.mail }));
  expect((await post('/api/public/email/verify', { token })).status).toBe(200);
  expect((await post('/api/public/signin', { username, password: PASSWORD })).status).toBe(200);
});
