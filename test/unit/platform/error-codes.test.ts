/**
 * The error catalogue (lib/platform/error-codes.ts), the codes openapi.yaml
 * documents for each response status, and docs/errors.md name the same codes
 * with the same statuses. Each disagreement is named.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ERROR_CODES } from '../../../lib/platform/error-codes';

const ROOT = path.resolve(__dirname, '..', '..', '..');
type Node = Record<string, unknown>;

/** Every code openapi.yaml documents, with the statuses of the responses it is documented under. */
function openapiCodes(): Map<string, Set<number>> {
  const document = parse(readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8')) as Node;
  const resolve = (ref: string) => ref.replace(/^#\//, '').split('/').reduce<unknown>((node, key) => (node as Node)[key], document);
  const found = new Map<string, Set<number>>();
  const collect = (node: unknown, status: number, seen: Set<unknown>) => {
    if (!node || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    const { $ref, properties } = node as Node;
    if (typeof $ref === 'string') collect(resolve($ref), status, seen);
    const code = (properties as Node | undefined)?.code as { const?: string; enum?: string[] } | undefined;
    for (const name of [code?.const, ...(code?.enum ?? [])]) if (name) found.set(name, (found.get(name) ?? new Set()).add(status));
    for (const value of Object.values(node)) collect(value, status, seen);
  };
  for (const operations of Object.values(document.paths as Node)) {
    for (const operation of Object.values(operations as Node)) {
      const responses = (operation as Node).responses as Node | undefined;
      for (const [status, response] of Object.entries(responses ?? {})) collect(response, Number(status), new Set());
    }
  }
  return found;
}

/** The table of docs/errors.md: `| \`code\` | status | ... |`. */
function documentedCodes(): Map<string, number> {
  const rows = readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8').matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|/gm);
  return new Map([...rows].map(([, code, status]) => [code, Number(status)]));
}

const catalogue = new Map(Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status]));

it('openapi.yaml documents every code of the catalogue, under its status only, and no other', () => {
  const documented = openapiCodes();
  const disagreements: string[] = [];
  for (const [code, status] of catalogue) {
    const statuses = documented.get(code);
    if (!statuses) disagreements.push(`${code} (${status}): in the catalogue, not in openapi.yaml`);
    else if ([...statuses].some((s) => s !== status)) disagreements.push(`${code}: ${status} in the catalogue, ${[...statuses].join(', ')} in openapi.yaml`);
  }
  for (const code of documented.keys()) if (!catalogue.has(code)) disagreements.push(`${code}: in openapi.yaml, not in the catalogue`);
  expect(disagreements).toEqual([]);
});

it('docs/errors.md lists exactly the catalogue, with its statuses', () => {
  const documented = documentedCodes();
  const disagreements: string[] = [];
  for (const [code, status] of catalogue) {
    if (!documented.has(code)) disagreements.push(`${code} (${status}): in the catalogue, not in docs/errors.md`);
    else if (documented.get(code) !== status) disagreements.push(`${code}: ${status} in the catalogue, ${documented.get(code)} in docs/errors.md`);
  }
  for (const code of documented.keys()) if (!catalogue.has(code)) disagreements.push(`${code}: in docs/errors.md, not in the catalogue`);
  expect(disagreements).toEqual([]);
});
