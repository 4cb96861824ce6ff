/**
 * The service's OpenAPI 3.1 description (openapi.yaml at the repository root,
 * converted to openapi.json by `npm run openapi`) and its reference page.
 */
import document from './openapi.json';
import { referencePage } from './reference-page';

export { REFERENCE_PAGE_CSP } from './reference-page';

/** Where the description is served, as the page links to it. */
export const DESCRIPTION_PATH = '/api/public/openapi.json';

export const description: Readonly<Record<string, unknown>> = document;

let page: string | undefined;
/** The page, rendered once per container: the description does not change while it runs. */
export const referencePageHtml = (): string => (page ??= referencePage(document, DESCRIPTION_PATH).text);
