import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileSecretBox, SECRET_KEY_FILE } from '../../../lib/second-factors/secret-box';
import { codeAt, matchingStep } from '../../../lib/second-factors/totp';

it('seals with a key file beside the signing keys (0600), opens for the same account only', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'secret-box-'));
  const box = new FileSecretBox(dir);
  const sealed = await box.seal('JBSWY3DPEHPK3PXP', 'account-1');
  expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
  await expect(box.open(sealed, 'account-1')).resolves.toBe('JBSWY3DPEHPK3PXP');
  // Copied onto another account's item, it does not open (the account id is associated data).
  await expect(box.open(sealed, 'account-2')).rejects.toThrow();
  expect((await stat(path.join(dir, SECRET_KEY_FILE))).mode & 0o777).toBe(0o600);
  // Another process with the same folder opens it; the key is made once.
  const key = await readFile(path.join(dir, SECRET_KEY_FILE), 'utf8');
  await expect(new FileSecretBox(dir).open(sealed, 'account-1')).resolves.toBe('JBSWY3DPEHPK3PXP');
  expect(await readFile(path.join(dir, SECRET_KEY_FILE), 'utf8')).toBe(key);
});

it('accepts the current step and one either side, and nothing further (RFC 6238 §5.2)', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const now = 1_700_000_015_000;
  const step = Math.floor(now / 30_000);
  expect(matchingStep(secret, codeAt(secret, now), now)).toBe(step);
  expect(matchingStep(secret, codeAt(secret, now - 30_000), now)).toBe(step - 1);
  expect(matchingStep(secret, codeAt(secret, now + 30_000), now)).toBe(step + 1);
  expect(matchingStep(secret, codeAt(secret, now + 60_000), now)).toBeUndefined();
  expect(matchingStep(secret, 'abcdef', now)).toBeUndefined();
});

it('matches the RFC 6238 appendix B vector for SHA-1 (59 s → 94287082, last six digits)', () => {
  // The RFC's secret is the ASCII "12345678901234567890", base32 below.
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  expect(codeAt(secret, 59_000)).toBe('287082');
});
