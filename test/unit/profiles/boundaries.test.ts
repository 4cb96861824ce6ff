/**
 * The user-profile service is a separate service: its functions must not
 * carry the auth service's code (accounts, sessions, browser sessions, the
 * signing key's code), so esbuild's view of what each one bundles is checked.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FORBIDDEN = /^lib\/(accounts|token-sessions|sign-out-epoch|browser-sessions|identity-tokens|kong|keys|tokens|flows)\//;

it.each(readdirSync(path.join(ROOT, 'functions', 'userprofile')))('functions/userprofile/%s bundles none of the auth service', async (file) => {
  const { metafile } = await build({
    entryPoints: [path.join(ROOT, 'functions', 'userprofile', file)],
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    packages: 'external',
    logLevel: 'silent',
    absWorkingDir: ROOT,
  });
  const inputs = Object.keys(metafile.inputs);
  expect(inputs.some((input) => input.startsWith('lib/profiles/'))).toBe(true);
  expect(inputs.filter((input) => FORBIDDEN.test(input))).toEqual([]);
});
