/**
 * Issue 25's passkeys in a real browser (Debian's Chromium through
 * playwright-core) with Chromium's virtual authenticator (DevTools Protocol
 * WebAuthn.enable / addVirtualAuthenticator: a platform authenticator with
 * resident keys and user verification, as a phone or laptop's is): a passkey
 * added on the security page, then a passwordless sign-in on the sign-in
 * page; rename and remove; a removed passkey no longer signs in.
 * Screenshots go to test-artifacts/.
 *
 * The pages are opened at http://localhost:<port>: WebAuthn takes no IP
 * address as relying party ID (the stack's WEBAUTHN_RP_ID is localhost,
 * scripts/stack/browser-env.ts).
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { config } from '../../lib/platform/config';
import { codeAt } from '../../lib/second-factors/totp';
import { SoftwareAuthenticator } from '../unit/support/software-authenticator';
import { browserSessions, call, sessionSet } from '../support/browser-sessions';
import { PASSWORD, uniqueName } from '../support/clients';
import { launchChromium, watchProblems } from '../support/chromium';
import { conformBrowser } from '../support/openapi';

const PROXY = process.env.PROXY_URL!;
const PAGES = PROXY.replace('127.0.0.1', 'localhost');
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts');

let browser: Browser;
beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

/** One page with its own virtual authenticator; the problems the page ran into must be none (a refused sign-in's 401 is expected). */
async function withAuthenticator(run: (page: Page, context: BrowserContext, cdp: CDPSession, authenticatorId: string) => Promise<void>) {
  const context = await browser.newContext({ baseURL: PAGES });
  conformBrowser(context);
  const page = await context.newPage();
  const problems = watchProblems(page, /40[134]/);
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable');
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  });
  try {
    await run(page, context, cdp, authenticatorId);
    expect(problems).toEqual([]);
  } finally {
    await context.close();
  }
}

const sessionCookie = async (context: BrowserContext) => (await context.cookies()).find((cookie) => cookie.name.endsWith('JSESSIONID'));

async function signUpAndSignIn(page: Page, prefix: string) {
  const username = uniqueName(prefix);
  expect((await browserSessions(PROXY).register(username, { first_name: 'Ada' })).status).toBe(201);
  await page.goto('/signin');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/profile');
  return username;
}

/** The account's first passkey: its recovery codes are shown once, before the page goes on. */
async function addPasskey(page: Page, name: string): Promise<string[]> {
  await page.goto('/security');
  expect(await page.locator('#passkeys-none').isVisible()).toBe(true);
  await page.getByLabel('Name for the new passkey').fill(name);
  await page.getByRole('button', { name: 'Add a passkey' }).click();
  await page.locator('#passkey-recovery-codes').waitFor();
  const codes = await page.locator('#passkey-recovery-codes code').allTextContents();
  expect(codes).toHaveLength(10);
  await page.getByRole('link', { name: 'I have kept them: continue' }).click();
  await page.waitForURL('**/security?passkey_added=1');
  expect(await page.getByRole('status').textContent()).toBe('Your passkey was added.');
  expect(await page.locator('.passkey-name').allTextContents()).toEqual([name]);
  expect(await page.locator('#passkey-recovery-left strong').textContent()).toBe('10');
  return codes;
}

async function signOut(page: Page, context: BrowserContext) {
  await page.goto('/profile');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.waitForURL('**/signin?signed_out=1');
  expect(await sessionCookie(context)).toBeUndefined();
}

it('adds a passkey on the security page, signs in with it alone, renames and removes it', async () => {
  await withAuthenticator(async (page, context, cdp, authenticatorId) => {
    const username = await signUpAndSignIn(page, 'pkweb');
    await addPasskey(page, 'Laptop');
    expect(await page.locator('.passkey .hint').textContent()).toMatch(/^Added \d{4}-\d{2}-\d{2}, never used$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'security-passkey-added.png'), fullPage: true });
    // The authenticator holds one discoverable credential, for this user (the user handle is the account id, not the name).
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]).toMatchObject({ isResidentCredential: true, rpId: 'localhost' });

    await signOut(page, context);

    // The sign-in page with a `next`: the passkey alone, no name, no password typed.
    await page.goto('/signin?next=%2Fsecurity');
    await page.screenshot({ path: path.join(ARTIFACTS, 'signin-passkey-button.png'), fullPage: true });
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL('**/security');
    expect(await page.getByRole('heading', { name: 'Security' }).isVisible()).toBe(true);
    expect(await page.locator('main strong').first().textContent()).toBe(username);
    expect(await sessionCookie(context)).toBeDefined();
    expect(await page.locator('.passkey .hint').textContent()).toMatch(/, last used \d{4}-\d{2}-\d{2}$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'security-after-passkey-signin.png'), fullPage: true });

    await page.getByLabel('New name for Laptop').fill('Work laptop');
    await page.getByRole('button', { name: 'Rename' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Your passkey was renamed.');
    expect(await page.locator('.passkey-name').allTextContents()).toEqual(['Work laptop']);

    await page.getByRole('button', { name: 'Remove Work laptop' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Your passkey was removed.');
    expect(await page.locator('#passkeys-none').isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'security-passkey-removed.png'), fullPage: true });
  });
}, 120_000);

it('refuses a removed passkey: the authenticator still offers it, the sign-in page shows why and no session starts', async () => {
  await withAuthenticator(async (page, context, cdp, authenticatorId) => {
    await signUpAndSignIn(page, 'pkgone');
    await addPasskey(page, 'Phone');
    // The password session is no second factor: removing the account's only one takes a fresh passkey sign-in.
    await page.getByRole('button', { name: 'Remove Phone' }).click();
    expect(await page.getByRole('alert').textContent()).toMatch(/^This change needs your second factor/);
    expect(await page.locator('.passkey-name').allTextContents()).toEqual(['Phone']);
    await signOut(page, context);
    await page.goto('/signin?next=%2Fsecurity');
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL('**/security');
    await page.getByRole('button', { name: 'Remove Phone' }).click();
    expect(await page.locator('#passkeys-none').isVisible()).toBe(true);
    // Removed on the server only: the credential is still on the authenticator.
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials).toHaveLength(1);

    await signOut(page, context);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.locator('#error:not(:empty)').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('The passkey was not accepted: try again');
    expect(page.url()).toMatch(/\/signin\?signed_out=1$/);
    expect(await sessionCookie(context)).toBeUndefined();
    await page.screenshot({ path: path.join(ARTIFACTS, 'signin-removed-passkey.png'), fullPage: true });
  });
}, 120_000);

it('asks a password session for an authenticator code to add or remove a passkey while TOTP is on', async () => {
  await withAuthenticator(async (page) => {
    await signUpAndSignIn(page, 'pktotp');
    await addPasskey(page, 'Key');
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    const secret = (await page.locator('#totp-secret').textContent())!;
    await page.getByLabel('Code from the app').fill(codeAt(secret, Date.now()));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.locator('#recovery-codes').waitFor();

    // Adding another passkey is a step-up change now: the password session needs a code (no ceremony starts without one).
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.locator('#error:not(:empty)').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/^This change needs your second factor/);
    await page.locator('#passkey_code').fill('000000');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByRole('alert').filter({ hasText: 'Invalid code' }).waitFor();
    expect(page.url()).toMatch(/\/security$/);

    await page.getByLabel('Current code (or a recovery code) to remove Key').fill('000000');
    await page.getByRole('button', { name: 'Remove Key' }).click();
    expect(await page.getByRole('alert').textContent()).toBe('Invalid code');
    expect(await page.locator('.passkey-name').allTextContents()).toEqual(['Key']);
    await page.screenshot({ path: path.join(ARTIFACTS, 'security-passkey-remove-code.png'), fullPage: true });
    // The next step's code (enrolment used this one: each code works once).
    await page.getByLabel('Current code (or a recovery code) to remove Key').fill(codeAt(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Remove Key' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Your passkey was removed.');
    expect(await page.locator('#passkeys-none').isVisible()).toBe(true);
  });
}, 120_000);

it('takes the passkey as the second step of a password sign-in: an account with a passkey and no TOTP signs in with both', async () => {
  await withAuthenticator(async (page, context) => {
    const username = await signUpAndSignIn(page, 'pkstep');
    await addPasskey(page, 'Laptop');
    await signOut(page, context);

    await page.goto('/signin?next=%2Fsecurity');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The right password is not a session yet: the second step, offering the passkey (and the recovery codes it came with).
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    expect(await page.locator('main p').first().textContent()).toBe('Enter one of your recovery codes. Or use your passkey.');
    expect(page.url()).toMatch(/\/api\/session\/login$/);
    expect(await sessionCookie(context)).toBeUndefined();
    await page.screenshot({ path: path.join(ARTIFACTS, 'signin-second-step-passkey.png'), fullPage: true });
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.waitForURL('**/security');
    expect(await page.locator('main strong').first().textContent()).toBe(username);
    expect(await sessionCookie(context)).toBeDefined();
    expect(await page.locator('.passkey .hint').textContent()).toMatch(/, last used \d{4}-\d{2}-\d{2}$/);
    // Password and passkey: a recent second factor, so removing the passkey needs nothing more.
    await page.getByRole('button', { name: 'Remove Laptop' }).click();
    expect(await page.getByRole('status').textContent()).toBe('Your passkey was removed.');
  });
}, 120_000);

it('shows recovery codes with the first passkey; one finishes a password sign-in after the passkey is lost', async () => {
  await withAuthenticator(async (page, context, cdp, authenticatorId) => {
    const username = await signUpAndSignIn(page, 'pklost');
    await page.goto('/security');
    await page.getByLabel('Name for the new passkey').fill('Phone');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.locator('#passkey-recovery-codes').waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'security-passkey-recovery-codes.png'), fullPage: true });
    const codes = await page.locator('#passkey-recovery-codes code').allTextContents();
    expect(codes).toHaveLength(10);
    await page.getByRole('link', { name: 'I have kept them: continue' }).click();
    await page.waitForURL('**/security?passkey_added=1');
    // Shown once: the page shows how many are left, never the codes.
    expect(await page.content()).not.toContain(codes[0]);
    await signOut(page, context);

    // The phone is lost: the authenticator holds nothing now.
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Enter your code' }).waitFor();
    await page.getByLabel('Code').fill(codes[0]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL('**/profile');
    expect(await sessionCookie(context)).toBeDefined();
    await page.goto('/security');
    expect(await page.locator('#passkey-recovery-left strong').textContent()).toBe('9');
  });
}, 120_000);

describe('the passkey routes of browser sessions, as another site or a script would call them', () => {
  const SAME = { Origin: PROXY, 'Sec-Fetch-Site': 'same-origin' };
  const CROSS_SITE = { Origin: 'https://evil.test', 'Sec-Fetch-Site': 'cross-site' };
  const refused = { status: 403, body: { code: 'cross_site_request' } };

  it('refuse another site (CSRF, login CSRF), a form post, and a registration without a session', async () => {
    const { session } = await browserSessions(PROXY).signedIn('pkcsrf');
    expect(await call(PROXY, '/api/session/passkey/options', { json: {}, headers: CROSS_SITE })).toMatchObject(refused);
    expect(await call(PROXY, '/api/session/passkey/login', { json: { response: {} }, headers: { Origin: 'null' } })).toMatchObject(refused);
    expect(await call(PROXY, '/api/session/passkeys/options', { json: {}, session, headers: CROSS_SITE })).toMatchObject(refused);
    expect(await call(PROXY, '/api/session/passkeys', { json: { response: {} }, session, headers: { 'Sec-Fetch-Site': 'same-site', Origin: 'https://sub.evil.test' } })).toMatchObject(refused);
    // A form (or text/plain) is what another page could post without a preflight: JSON only.
    expect(await call(PROXY, '/api/session/passkey/login', { form: { response: '{}' }, headers: SAME })).toMatchObject({ status: 400, body: { code: 'invalid_request' } });
    expect(await call(PROXY, '/api/session/passkeys/options', { json: {}, headers: SAME })).toMatchObject({ status: 401, body: { code: 'login_required' } });
  });

  it('go on to `next` only when it is a path on this site (no open redirect)', async () => {
    const { session } = await browserSessions(PROXY).signedIn('pkredir');
    const authenticator = new SoftwareAuthenticator({ counter: 1 });
    const origin = config.passkeys.origins[0];
    const options = await call(PROXY, '/api/session/passkeys/options', { json: {}, session, headers: SAME });
    expect(options.status).toBe(200);
    const added = await call(PROXY, '/api/session/passkeys', { json: { response: authenticator.register(options.body, origin), name: 'Key' }, session, headers: SAME });
    expect(added).toMatchObject({ status: 201, body: { name: 'Key', last_used_at: null } });

    const signIn = async (next: string) => {
      const challenge = await call(PROXY, '/api/session/passkey/options', { json: {}, headers: SAME });
      return call(PROXY, '/api/session/passkey/login', { json: { response: authenticator.assert(challenge.body, origin), next }, headers: SAME });
    };
    for (const next of ['//evil.test/', 'https://evil.test/', '/\\evil.test', '%2F%2Fevil.test']) {
      const answer = await signIn(next);
      expect({ next, status: answer.status, redirect_to: answer.body.redirect_to }).toEqual({ next, status: 200, redirect_to: '/profile' });
      expect(sessionSet(answer)).toBeDefined();
    }
    expect((await signIn('/security?tab=passkeys')).body.redirect_to).toBe('/security?tab=passkeys');
  });
});
