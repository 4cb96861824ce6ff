import type { StrengthEstimator } from './password-policy';

/**
 * zxcvbn-ts with the common-password lists of language-common (breached and
 * leaked passwords, diceware) and language-en's words and names. They are
 * imported dynamically: esbuild keeps them in the bundles of the functions
 * that reach this module (signup, password change) but evaluates them only
 * here, on the first password set in a container.
 */
async function load(): Promise<StrengthEstimator> {
  const [{ ZxcvbnFactory }, common, en] = await Promise.all([
    import('@zxcvbn-ts/core'),
    import('@zxcvbn-ts/language-common'),
    import('@zxcvbn-ts/language-en'),
  ]);
  const zxcvbn = new ZxcvbnFactory({
    dictionary: { ...common.dictionary, ...en.dictionary },
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
