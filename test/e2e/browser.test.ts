/**
 * A real browser: Debian's Chromium, headless, driven by playwright-core
 * (never a downloaded browser; .ci/run installs `chromium`). A person signs
 * in on /signin, edits the profile, signs out and is back on /signin. The
 * screenshots go to test-artifacts/ (git-ignored), to be looked at.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { browserSessions } from '../support/browser-sessions';
import { PASSWORD, uniqueName } from '../support/clients';
import { launchChromium, watchProblems } from '../support/chromium';
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

/** Script errors and CSP refusals (test/support/chromium.ts). */
const watch = (page: Page) => watchProblems(page);

it('signs in on /signin, edits the profile, signs out and is sent back to /signin', async () => {
  const username = uniqueName('chromium');
  expect((await browserSessions(PROXY).register(username, { first_name: 'Grace' })).status).toBe(201);
  const context = await browser.newContext({ baseURL: PROXY });
  conformBrowser(context);
  const page = await context.newPage();
  const problems = watch(page);
  try {
    // Not signed in: the gateway sends the browser to sign in, and back after.
    await page.goto('/profile');
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe('/signin?next=%2Fprofile');

    // A wrong password: the error is announced and focused.
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/api/session/login');
    expect(await page.getByRole('alert').textContent()).toBe('Invalid username or password');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('error');

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/profile');
    const cookie = (await context.cookies()).find((c) => c.name === 'JSESSIONID');
    expect(cookie).toMatchObject({ name: 'JSESSIONID', httpOnly: true, sameSite: 'Lax', path: '/' });
    // Beside it, the device cookie (docs/device-tokens.md), sent back to the sign-in alone.
    expect((await context.cookies()).find((c) => c.name === 'device_token')).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/session/login' });
    expect(await page.evaluate('document.cookie')).toBe(''); // HttpOnly: no script sees it

    await page.getByLabel('Display name').fill('Admiral Hopper');
    await page.getByLabel('About you').fill('Wrote the first compiler. <script>alert(1)</script>');
    await page.getByLabel('Location').fill('Arlington');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();

    // The page, loaded again, shows what was saved, as text.
    await page.reload();
    expect(await page.getByLabel('Display name').inputValue()).toBe('Admiral Hopper');
    expect(await page.getByLabel('About you').inputValue()).toBe('Wrote the first compiler. <script>alert(1)</script>');
    expect(await page.getByRole('definition').allTextContents()).toEqual([username, `${username}@example.com`, 'Grace']);
    await page.getByLabel('Location').fill('Arlington, VA');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByRole('status').filter({ hasText: 'Profile saved.' }).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'profile.png'), fullPage: true });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/signin?signed_out=1');
    await page.getByRole('status').filter({ hasText: 'You have signed out.' }).waitFor();
    // The session cookie is gone; the device cookie stays, for the next sign-in on this browser.
    expect((await context.cookies()).map((c) => c.name)).toEqual(['device_token']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'signed-out.png'), fullPage: true });

    // And the profile is out of reach again.
    await page.goto('/profile');
    expect(new URL(page.url()).pathname).toBe('/signin');
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}, 60_000);
