/**
 * Recovery in a real browser (Debian's Chromium through playwright-core), the
 * mails read from maildev: forgot → mail → link → new password → sign in with
 * it; registration → verification mail → verified. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserSessions } from '../support/browser-sessions';
import { PASSWORD, uniqueName } from '../support/clients';
import { launchChromium, watchProblems } from '../support/chromium';
import { linkIn, waitForMail } from '../support/maildev';
import { conformBrowser } from '../support/openapi';

const PROXY = process.env.PROXY_URL!;
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');
const NEW_PASSWORD = 'another long passphrase, from the browser';

let browser: Browser;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** Script errors and CSP refusals (test/support/chromium.ts). */
const watch = (page: Page) => watchProblems(page);

async function newPage() {
  const context = await browser.newContext({ baseURL: PROXY });
  conformBrowser(context);
  const page = await context.newPage();
  // A step that cannot happen fails with its own message, well inside the test's time.
  page.setDefaultTimeout(10_000);
  return { context, page, problems: watch(page) };
}

it('forgot password: the link in the mail, a new password, and sign-in with it', async () => {
  const username = uniqueName('chrforgot');
  expect((await browserSessions(PROXY).register(username)).status).toBe(201);
  const email = `${username}@example.com`;
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/signin');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await page.waitForURL('**/password/forgot');
    await page.getByLabel('Username or email').fill(username);
    await page.getByRole('button', { name: 'Send me a link' }).click();
    await page.getByRole('status').filter({ hasText: 'If an account matches' }).waitFor();

    const { url } = linkIn(await waitForMail(email, /reset your password/));
    await page.goto(url);
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.screenshot({ path: path.join(ARTIFACTS, 'reset-password.png'), fullPage: true });
    await page.getByRole('button', { name: 'Set the new password' }).click();
    await page.waitForURL('**/signin?password_reset=1');
    await page.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();

    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/profile');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);

it('registration: the verification mail, its button, and X-Email-Verified true through the gateway', async () => {
  const username = uniqueName('chrverify');
  const email = `${username}@example.com`;
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/register');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('First name').fill('Ada');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/signin?registered=1');

    const { url } = linkIn(await waitForMail(email, /confirm your email address/));
    await page.goto(url);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('status').filter({ hasText: 'Your email address is confirmed' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'email-verified.png'), fullPage: true });

    await page.goto('/signin');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/profile');
    const session = (await context.cookies()).find((cookie) => cookie.name === 'JSESSIONID')!.value;
    const identity = await browserSessions(PROXY).authenticate(session);
    expect(identity.headers.get('x-email-verified')).toBe('true');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);

it('change email on the security page: a link to the new address, a notice to the old, and the new address once confirmed', async () => {
  const username = uniqueName('chrchmail');
  expect((await browserSessions(PROXY).register(username)).status).toBe(201);
  const oldEmail = `${username}@example.com`;
  const newEmail = `${username}.new@example.com`;
  const { context, page, problems } = await newPage();
  try {
    await page.goto('/signin');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/profile');

    await page.goto('/security');
    await page.getByLabel('New email').fill(newEmail);
    await page.locator('#email').getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change email' }).click();
    await page.getByRole('status').filter({ hasText: `A link is on its way to ${newEmail}` }).waitFor();
    // Until the link is used, the old address stays.
    expect(await page.locator('#current-email').textContent()).toBe(oldEmail);
    await waitForMail(oldEmail, /your email address is being changed/);

    const { url } = linkIn(await waitForMail(newEmail, /confirm your email address/));
    await page.goto(url);
    await page.getByRole('button', { name: 'Confirm my address' }).click();
    await page.getByRole('status').filter({ hasText: 'Your email address is confirmed' }).waitFor();

    await page.goto('/security');
    expect(await page.locator('#current-email').textContent()).toBe(newEmail);
    await page.screenshot({ path: path.join(ARTIFACTS, 'email-changed.png'), fullPage: true });
    const session = (await context.cookies()).find((cookie) => cookie.name === 'JSESSIONID')!.value;
    const identity = await browserSessions(PROXY).authenticate(session);
    expect(identity.headers.get('x-email')).toBe(newEmail);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);
