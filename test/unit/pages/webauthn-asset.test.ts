import { webauthnModule, WEBAUTHN_MODULE } from '../../../scripts/pages/webauthn-asset';
import { readFileSync } from 'node:fs';
import { ASSETS } from '../../../lib/pages/assets';
import { layout, html } from '../../../lib/pages/html';
import { signInCodePage, signInPage } from '../../../lib/pages/auth-pages';
import { securityPage } from '../../../lib/pages/security-page';

it('serves the installed @simplewebauthn/browser as it is (npm run webauthn-asset after upgrading it)', () => {
  expect(readFileSync(WEBAUTHN_MODULE, 'utf8')).toBe(webauthnModule());
  expect(ASSETS['/assets/webauthn.js']).toMatchObject({ contentType: 'text/javascript; charset=utf-8', body: expect.stringContaining('SimpleWebAuthnBrowser') });
});

it('loads it from our own origin, before app.js, on the pages with passkeys only', () => {
  const scripts = (page: { text: string }) => [...page.text.matchAll(/<script[^>]*>/g)].map((m) => m[0]);
  expect(scripts(signInPage())).toEqual(['<script src="/assets/webauthn.js" defer>', '<script src="/assets/app.js" defer>']);
  expect(scripts(securityPage({ username: 'alice', totp: false, recoveryCodesLeft: 0 }))).toEqual(['<script src="/assets/webauthn.js" defer>', '<script src="/assets/app.js" defer>']);
  expect(scripts(layout('Other', html`<p>x</p>`))).toEqual(['<script src="/assets/app.js" defer>']);
});

it('lists passkeys with their names escaped, and asks for a code to remove one only while the app is on', () => {
  const passkey = { id: 'AbC_-1', name: '<b>Laptop</b>', created_at: '2026-01-02T03:04:05.000Z', last_used_at: null, synced: false };
  const off = securityPage({ username: 'alice', totp: false, recoveryCodesLeft: 0, passkeys: [passkey] }).text;
  expect(off).toContain('&lt;b&gt;Laptop&lt;/b&gt;');
  expect(off).not.toContain('<b>Laptop');
  expect(off).toContain('Added 2026-01-02, never used');
  expect(off).not.toContain('id="code-AbC_-1"');
  const on = securityPage({ username: 'alice', totp: true, recoveryCodesLeft: 10, passkeys: [passkey] }).text;
  expect(on).toContain('id="code-AbC_-1"');
});

it('serves an app.js that parses (a slip in its escaping would leave every page without its script)', () => {
  const { Script } = require('node:vm') as typeof import('node:vm'); // eslint-disable-line @typescript-eslint/no-require-imports
  expect(() => new Script(ASSETS['/assets/app.js'].body)).not.toThrow();
});

it("gives the second step's passkey button its options in an escaped attribute, never an inline script", () => {
  const options = { challenge: 'c"><script>x</script>', rpId: 'localhost', allowCredentials: [] };
  const text = signInCodePage({ mfaToken: 'tok', next: '/security', methods: ['passkey'], passkeyOptions: options }).text;
  expect(text).not.toContain('<script>x');
  expect(text).not.toMatch(/<script>/);
  const attribute = /data-options="([^"]*)"/.exec(text)![1].replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/&#39;/g, "'");
  expect(JSON.parse(attribute)).toEqual(options);
  // Only a passkey: no code form; with TOTP too, both.
  expect(text).not.toContain('name="code"');
  expect(signInCodePage({ mfaToken: 'tok', methods: ['totp', 'passkey'], passkeyOptions: options }).text).toContain('name="code"');
});
