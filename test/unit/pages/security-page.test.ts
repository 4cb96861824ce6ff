import QRCode from 'qrcode';
import { qrCodeSvg } from '../../../lib/pages/security-page';

it("draws the enrolment's QR code exactly as qrcode's toString({ type: 'svg' }) does, without loading its PNG renderer", async () => {
  const uri = 'otpauth://totp/Example%20Auth:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example%20Auth&algorithm=SHA1&digits=6&period=30';
  const svg = qrCodeSvg(uri).toString();
  expect(svg).toBe(await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2, width: 220 }));
  expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="220" height="220" viewBox="0 0 \d+ \d+" shape-rendering="crispEdges"><path fill="#ffffff"/);
  expect(svg).not.toMatch(/<script|style=/);
});
