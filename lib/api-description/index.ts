/**
 * The service's OpenAPI 3.1 description (openapi.yaml at the repository root,
 * converted to openapi.json by `npm run openapi`) and its reference page.
 *
 * The description is data, not code: bundled, it was 128 kB of the
 * 150 kB bundle target in both functions that serve it (issue 27). It ships
 * as lib/api-description/openapi.json in their zips (serverless.yml
 * `package.patterns`; the zip deflates it) and is read on the first request
 * in a container.
 */
import { readAssetSync } from '../platform/assets';
import { referencePage } from './reference-page';

export { REFERENCE_PAGE_CSP } from './reference-page';

/** Where the description is served, as the page links to it. */
export const DESCRIPTION_PATH = '/api/public/openapi.json';

/** Where it is in the repository and in the zips (lib/platform/assets.ts). */
export const DESCRIPTION_ASSET = 'lib/api-description/openapi.json';

let document: Readonly<Record<string, unknown>> | undefined;
/** The description, read once per container: it does not change while it runs. */
export const description = (): Readonly<Record<string, unknown>> =>
  (document ??= JSON.parse(readAssetSync(DESCRIPTION_ASSET).toString('utf8')) as Record<string, unknown>);

let page: string | undefined;
/** The page, rendered once per container. */
export const referencePageHtml = (): string => (page ??= referencePage(description(), DESCRIPTION_PATH).text);
