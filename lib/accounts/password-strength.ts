import { promisify } from 'node:util';
import { brotliDecompress } from 'node:zlib';
import type { OptionsType } from '@zxcvbn-ts/core';
import { readAssetSync } from '../platform/assets';
import type { StrengthEstimator } from './password-policy';

/**
 * zxcvbn-ts with language-common's lists: about 49,000 passwords from
 * breaches and leaks, and the diceware words, with zxcvbn's own patterns
 * (l33t, keyboard walks, repeats, sequences, dates) for their variations.
 *
 * The lists are not in the bundles (issue 27): bundled, they were 428 kB of
 * minified JavaScript in every function that sets a password, over the
 * 150 kB bundle target, parsed at every cold start whether or not the
 * container ever checked a password. They ship instead as
 * password-dictionary.json.br (210 kB of brotli, written by
 * scripts/password-dictionary.ts from the same package, which a unit test
 * compares), in the zips of those functions only (serverless.yml's
 * `package.patterns`), and are read on the first password check in a
 * container. zxcvbn's scoring is kept whole: a Bloom filter or a hash list
 * would only answer "on the list", not "a l33t or capitalised variation of a
 * word on it", which is most of what the policy refuses.
 *
 * Not language-en (English words, names, Wikipedia): it would triple the
 * first check's CPU time (about 0.6 s instead of 0.2 s, more on a small
 * Lambda's share of a core, and per worker in serverless-offline) and add
 * 1.2 MB to the asset, to move a few passwords that mix a name or a word
 * with digits down one score; the common list and the patterns already
 * refuse what attackers try first.
 */
const ASSET = 'password-dictionary.json.br';

async function readAsset(): Promise<Buffer> {
  // Where it is looked for: lib/platform/assets.ts.
  return promisify(brotliDecompress)(readAssetSync(`lib/accounts/${ASSET}`));
}

async function load(): Promise<StrengthEstimator> {
  const [{ ZxcvbnFactory }, asset] = await Promise.all([import('@zxcvbn-ts/core'), readAsset()]);
  const { dictionary, graphs } = JSON.parse(asset.toString('utf8')) as Pick<OptionsType, 'dictionary' | 'graphs'>;
  const zxcvbn = new ZxcvbnFactory({
    dictionary,
    graphs,
    // Both bound the work one request can cause: the l33t matcher tries
    // combinations of substitutions (its default of 100 costs about a second on
    // a random 64-character password), and the estimate's time grows with the
    // length. Judging only the first 128 characters can refuse a password that
    // would pass whole, never pass one that is weak.
    l33tMaxSubstitutions: 10,
    maxLength: 128,
  });
  return (password, context) => zxcvbn.check(password, context).score;
}

let loaded: Promise<StrengthEstimator> | undefined;

/** The estimator, loaded once per container (again after a failed load). */
export function zxcvbnEstimator(): Promise<StrengthEstimator> {
  loaded ??= load().catch((error) => {
    loaded = undefined;
    throw error;
  });
  return loaded;
}
