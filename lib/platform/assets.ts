import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Data files shipped beside the bundles instead of inside them (issue 27: the
 * password dictionaries, the OpenAPI description): each in the zips of the
 * functions that read it (serverless.yml `package.patterns`), at its path in
 * the repository (`lib/...`).
 *
 * Where one is: under the package root in a deployed zip (Lambda's working
 * directory, /var/task, the bundle in functions/<audience>/), under the
 * repository when run from source (tests, bench) or by serverless-offline,
 * and under the repository that holds the build folder for `sls invoke local`
 * (.esbuild/<work folder>/.build/functions/<audience>/): so `relative` under
 * each folder from this module's up to the root, then under the working one.
 */
export function assetCandidates(relative: string): string[] {
  const found: string[] = [];
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    found.push(path.join(dir, relative));
    if (path.dirname(dir) === dir) break;
  }
  found.push(path.join(process.cwd(), relative));
  return [...new Set(found)];
}

/** The asset's bytes, from the first place it is found; a clear error naming where it was looked for. */
export function readAssetSync(relative: string): Buffer {
  const candidates = assetCandidates(relative);
  for (const file of candidates) {
    try {
      return readFileSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  throw new Error(`${relative} not found (looked in ${candidates.join(', ')}): package it with the function (serverless.yml package.patterns)`);
}
