/**
 * `npm run openapi`: openapi.yaml → lib/api-description/openapi.json, the copy
 * the functions bundle (esbuild and ts-jest read JSON as is; a YAML parser in
 * the bundle would cost more than the description itself). Run it after
 * editing openapi.yaml; test/unit/openapi/generated.test.ts fails until then.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

const ROOT = path.resolve(__dirname, '..', '..');
export const DESCRIPTION_JSON = path.join(ROOT, 'lib', 'api-description', 'openapi.json');

export function descriptionJson(): string {
  return `${JSON.stringify(parse(readFileSync(path.join(ROOT, 'openapi.yaml'), 'utf8')), null, 2)}\n`;
}

if (require.main === module) {
  writeFileSync(DESCRIPTION_JSON, descriptionJson());
  console.log(`wrote ${path.relative(ROOT, DESCRIPTION_JSON)}`);
}
