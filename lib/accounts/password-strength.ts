import type { StrengthEstimator } from './password-policy';

/**
 * zxcvbn-ts with language-common's lists: about 49,000 passwords from
 * breaches and leaks, and the diceware words, with zxcvbn's own patterns
 * (l33t, keyboard walks, repeats, sequences, dates) for their variations.
 * They are imported dynamically: esbuild keeps them in the bundles of the
 * functions that reach this module (signup, password change) but evaluates
 * them only here, on the first password set in a container.
 *
 * Not language-en (English words, names, Wikipedia): it would triple the
 * first check's CPU time (about 0.6 s instead of 0.2 s, more on a small
 * Lambda's share of a core, and per worker in serverless-offline) and add
 * 1.2 MB to both bundles, to move a few passwords that mix a name or a word
 * with digits down one score; the common list and the patterns already
 * refuse what attackers try first.
 */
async function load(): Promise<StrengthEstimator> {
  const [{ ZxcvbnFactory }, common] = await Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]);
  const zxcvbn = new ZxcvbnFactory({
    dictionary: common.dictionary,
    graphs: common.adjacencyGraphs,
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
