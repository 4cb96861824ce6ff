/**
 * Writes lib/accounts/password-dictionary.json.br: zxcvbn-ts's language-common
 * lists (breached passwords, diceware words, keyboard graphs) as one brotli
 * asset, shipped beside the bundles of the functions that set passwords and
 * read once per container (lib/accounts/password-strength.ts). Run again after
 * upgrading @zxcvbn-ts/language-common: a unit test compares the asset with it.
 *
 *   npx tsx scripts/password-dictionary.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';

export const DICTIONARY_ASSET = path.join(__dirname, '..', 'lib', 'accounts', 'password-dictionary.json.br');

/** The asset's content, before compression. */
export const dictionaryJson = () => JSON.stringify({ dictionary, graphs: adjacencyGraphs });

if (require.main === module) {
  const compressed = brotliCompressSync(dictionaryJson(), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(DICTIONARY_ASSET, compressed);
  console.log(`${DICTIONARY_ASSET}: ${compressed.length} bytes`);
}
