import QRCode from 'qrcode';
import { qrCodeSvg, securityPage } from '../../../lib/pages/security-page';

it("draws the enrolment's QR code exactly as qrcode's toString({ type: 'svg' }) does, without loading its PNG renderer", async () => {
  const uri = 'otpauth://totp/Example%20Auth:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Auth&algorithm=SHA1&digits=6&period=30';
  const svg = qrCodeSvg(uri).toString();
  expect(svg).toBe(await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 220 }));
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="220" height="220" viewBox="0 0 \d+ \d+" shape-rendering="crispEdges"><path fill="#ffffff"/);
  expect(svg).not.toMatch(/<script|style=/);
});

it('lists token and browser sessions with an End form each, marks this browser, escapes what clients sent, and has the password form', () => {
  const page = securityPage({
    username: 'alice',
    totp: true,
    recoveryCodesLeft: 10,
    tokenSessions: [{ id: '6f1c2a4e-0000-4000-8000-000000000001', created_at: '2030-01-01T10:00:00.000Z', last_used_at: null, client_address: '203.0.113.9', user_agent: '<script>x</script>', current: false }],
    browserSessions: [{ id: 'a'.repeat(64), created_at: '2030-01-01T09:00:00.000Z', last_seen_at: '2030-01-01T09:30:00.000Z', expires_at: '2030-01-01T10:00:00.000Z', current: true }],
  }).text;
  expect(page).toContain('<input type="hidden" name="session_id" value="6f1c2a4e-0000-4000-8000-000000000001">');
  expect(page).toContain(`<input type="hidden" name="session_id" value="${'a'.repeat(64)}">`);
  expect(page).toContain('(this browser)');
  expect(page).toContain('Signed in 2030-01-01 09:00 UTC, last seen 2030-01-01 09:30 UTC');
  expect(page).not.toContain('<script>x');
  expect(page).toContain('&lt;script&gt;x');
  expect(page).toMatch(/id="password-change-form">.*name="action" value="password-change"/s);
  expect(page).toMatch(/name="new_password"[^>]*autocomplete="new-password"|autocomplete="new-password"[^>]*name="new_password"/);
  // A second factor is on: the password form has its code field.
  expect(page.slice(page.indexOf('id="password-change-form"'))).toMatch(/name="code"/);
});
