import { readFileSync } from 'node:fs';
import { brotliDecompressSync } from 'node:zlib';
import { DICTIONARY_ASSET, dictionaryJson } from '../../../scripts/password-dictionary';

// The asset the password policy reads is language-common's lists, as installed:
// after an upgrade of @zxcvbn-ts/language-common, `npx tsx scripts/password-dictionary.ts`.
it('ships the installed zxcvbn-ts language-common lists, unchanged, as the password dictionary asset', () => {
  expect(brotliDecompressSync(readFileSync(DICTIONARY_ASSET)).toString('utf8') === dictionaryJson()).toBe(true);
});
