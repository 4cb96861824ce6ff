/**
 * Issue 25 in a real browser (Debian's Chromium through playwright-core):
 * TOTP turned on on the security page (the QR code and its key), the code
 * computed here as an authenticator app would (otpauth), then the sign-in's
 * second step with a code, and with a recovery code. Screenshots go to
 * test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { codeAt } from '../../lib/second-factors/totp';
import { browserSessions } from '../support/browser-sessions';
import { PASSWORD, uniqueName } from '../support/clients';
import { launchChromium, watchProblems } from '../support/chromium';
import { client } from '../support/flow';
import { conformBrowser } from '../support/openapi';

const PROXY = process.env.PROXY_URL!;
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

let browser: Browser;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** Script errors and CSP refusals (test/support/chromium.ts); 400: the refused weak password's page. */
const watch = (page: Page) => watchProblems(page, /40[0134]/);

async function withPage(run: (page: Page, context: BrowserContext, problems: string[]) => Promise<void>) {
  const context = await browser.newContext({ baseURL: PROXY });
  conformBrowser(context);
  const page = await context.newPage();
  const problems = watch(page);
  try {
    await run(page, context, problems);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}

async function passwordStep(page: Page, username: string) {
  await page.goto('/signin');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

it('turns TOTP on on the security page, then signs in with a code, and with a recovery code once', async () => {
  const username = uniqueName('totp');
  expect((await browserSessions(PROXY).register(username, { first_name: 'Ada' })).status).toBe(201);
  let secret = '';
  let recoveryCodes: string[] = [];

  await withPage(async (page) => {
    await passwordStep(page, username);
    await page.waitForURL('**/profile');
    await page.goto('/security');
    expect(await page.locator('#totp-status').textContent()).toBe('Off.');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.locator('.qr svg').waitFor();
    secret = (await page.locator('#totp-secret').textContent())!;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'security-totp-enrol.png'), fullPage: true });

    // A wrong code leaves it off.
    await page.getByLabel('Code from the app').fill('000000');
    await page.getByRole('button', { name: 'Turn on' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('Invalid code');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    secret = (await page.locator('#totp-secret').textContent())!;
    await page.getByLabel('Code from the app').fill(codeAt(secret, Date.now()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    recoveryCodes = await page.locator('#recovery-codes code').allTextContents();
    expect(recoveryCodes).toHaveLength(10);
    expect(await page.locator('#recovery-left').textContent()).toBe('10');
    await page.screenshot({ path: path.join(ARTIFACTS, 'security-recovery-codes.png'), fullPage: true });
  });

  // A new browser: the right password asks for a code, and no session comes before it.
  await withPage(async (page, context) => {
    await passwordStep(page, username);
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    expect((await context.cookies()).map((c) => c.name)).not.toContain('JSESSIONID');
    await page.screenshot({ path: path.join(ARTIFACTS, 'signin-code-step.png'), fullPage: true });
    await page.getByLabel('Code').fill('123456');
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('Invalid code');
    // The next step's code, as the app shows it half a minute on: after the step enrolment used.
    await page.getByLabel('Code').fill(codeAt(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/profile');
    expect((await context.cookies()).map((c) => c.name)).toContain('JSESSIONID');
  });

  // A recovery code signs in once, and the security page counts it gone.
  await withPage(async (page) => {
    await passwordStep(page, username);
    await page.getByLabel('Code').fill(recoveryCodes[0]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/profile');
    await page.goto('/security');
    expect(await page.locator('#recovery-left').textContent()).toBe('9');
    await page.screenshot({ path: path.join(ARTIFACTS, 'security-after-recovery.png'), fullPage: true });
  });
  await withPage(async (page) => {
    await passwordStep(page, username);
    await page.getByLabel('Code').fill(recoveryCodes[0]);
    await page.getByRole('button', { name: 'Verify' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('Invalid code');
  });
}, 120_000);

it('lists token and browser sessions on the security page, ends them (the gateway forgets at once), and changes the password', async () => {
  const username = uniqueName('sessions');
  expect((await browserSessions(PROXY).register(username, { first_name: 'Ada' })).status).toBe(201);
  const api = client(PROXY);
  const signedIn = await api.signin(username);
  expect(signedIn.status).toBe(200);
  const tokens = signedIn.body as { access_token: string; refresh_token: string };
  const tokenSession = ((await api.sessions(tokens.access_token)).body as Array<{ id: string }>)[0].id;

  // Another browser, signed in and seen through the gateway (its forward-auth answer is now cached there).
  const other = await browser.newContext({ baseURL: PROXY });
  try {
    const otherPage = await other.newPage();
    await passwordStep(otherPage, username);
    await otherPage.waitForURL('**/profile');
    await otherPage.goto('/security');
    expect(await otherPage.locator('.this-browser').count()).toBe(1);

    await withPage(async (page) => {
      await passwordStep(page, username);
      await page.waitForURL('**/profile');
      await page.goto('/security');
      await expect(page.locator(`.token-session[data-id="${tokenSession}"]`).count()).resolves.toBe(1);
      // This one, the other browser's, and the registration's own.
      expect(await page.locator('.browser-session').count()).toBeGreaterThanOrEqual(2);
      await expect(page.locator('.browser-session.current .this-browser').count()).resolves.toBe(1);
      expect(await page.content()).not.toContain(tokens.refresh_token);
      await page.screenshot({ path: path.join(ARTIFACTS, 'security-sessions.png'), fullPage: true });

      // The API session ends: its refresh token no longer works.
      await page.locator(`.token-session[data-id="${tokenSession}"]`).getByRole('button', { name: 'End' }).click();
      await expect(page.locator('#notice').textContent()).resolves.toContain('The session was ended.');
      expect((await api.refresh(tokens.refresh_token)).status).toBe(401);
      await expect(page.locator('.token-session').count()).resolves.toBe(0);

      // The other browser's session ends, and the gateway's cached answer does not keep it alive.
      while ((await page.locator('.browser-session:not(.current)').count()) > 0) {
        await page.locator('.browser-session:not(.current)').first().getByRole('button', { name: 'End' }).click();
        await page.locator('#notice').waitFor();
      }
      await expect(page.locator('.browser-session').count()).resolves.toBe(1);
      await otherPage.goto('/security');
      expect(new URL(otherPage.url()).pathname).toBe('/signin');

      // The password changes on the page: this browser stays signed in, the old password no longer signs in.
      // The API's policy and its message, on the page; nothing changes.
      await page.locator('#password-change-form').getByLabel('Current password').fill(PASSWORD);
      await page.locator('#password-change-form').getByLabel('New password').fill('password');
      await page.getByRole('button', { name: 'Change password' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(/new_password/);
      await page.locator('#password-change-form').getByLabel('Current password').fill('not my password');
      await page.locator('#password-change-form').getByLabel('New password').fill('a fresh passphrase for ada 2030');
      await page.getByRole('button', { name: 'Change password' }).click();
      await expect(page.getByRole('alert').textContent()).resolves.toMatch(/password/i);
      await expect(page.locator('.browser-session.current .this-browser').count()).resolves.toBe(1);
      const newPassword = 'a fresh passphrase for ada 2030';
      await page.locator('#password-change-form').getByLabel('Current password').fill(PASSWORD);
      await page.locator('#password-change-form').getByLabel('New password').fill(newPassword);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForURL('**/security?password_changed=1');
      expect(await page.content()).toContain('Your password was changed.');
      await expect(page.locator('.browser-session.current .this-browser').count()).resolves.toBe(1);
      await expect(page.locator('.token-session').count()).resolves.toBe(0);
      await page.screenshot({ path: path.join(ARTIFACTS, 'security-password-changed.png'), fullPage: true });
      expect((await api.signin(username)).status).toBe(401);
      expect((await api.signin(username, newPassword)).status).toBe(200);

      // Ending this browser's own session signs it out.
      await page.locator('.browser-session.current').getByRole('button', { name: /End/ }).click();
      await page.waitForURL('**/signin**');
      await page.goto('/security');
      expect(new URL(page.url()).pathname).toBe('/signin');
    });
  } finally {
    await other.close();
  }
}, 120_000);
