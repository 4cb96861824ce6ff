// Nothing outside test/ imports from test/: the service, the gateway, the
// scripts and the bench must run from a tree without the tests, and support
// two of them share lives where both may use it (stand-ins/, for the Lambda
// Invoke stand-in the gateway tests and the bench both start).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const TEST = path.join(ROOT, 'test');
/** Not the project's sources: dependencies, and what tools write. */
const SKIPPED = new Set(['node_modules', 'test', 'coverage', '.esbuild', '.serverless', '.data']);
const SOURCE = /\.(?:[cm]?[jt]s|tsx|jsx)$/;
/** Every module specifier: import/export ... from '...', import('...'), require('...'), side-effect imports. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"`])([^'"`]+)\1/gm;

function sourceFiles(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (entry.isFile() && SOURCE.test(entry.name)) files.push(full);
  }
  return files;
}

/** The specifiers in `source` (a file at `file`) that reach into test/. */
export function importsFromTest(file: string, source: string): string[] {
  const found: string[] = [];
  for (const [, , specifier] of source.matchAll(SPECIFIER)) {
    const relative = specifier.startsWith('.') || specifier.startsWith('/');
    const target = relative ? path.resolve(path.dirname(file), specifier) : path.join(ROOT, specifier);
    // A bare 'test/...' would only resolve through a path mapping, but it would still be the tests' folder.
    if (target === TEST || target.startsWith(TEST + path.sep)) found.push(specifier);
  }
  return found;
}

test('the check sees every way of importing (so that an empty result means something)', () => {
  const file = path.join(ROOT, 'bench', 'x.ts');
  const source = [
    "import { a } from '../test/gateway/support';",
    "export * from '../test/unit/support/memory-stores';",
    "const b = require('../test/support/stack');",
    "void import('../test/e2e/x');",
    "import '../test/unit/setup';",
    "import type { C } from \"../test/gateway/plugins/x\";",
    // Not the tests' folder: a sibling whose name starts alike, a package, and a mention in a comment.
    "import { d } from '../testing/x';",
    "import { e } from 'test-utils';",
    '// see test/gateway/proxy.test.ts',
  ].join('\n');
  expect(importsFromTest(file, source)).toEqual([
    '../test/gateway/support', '../test/unit/support/memory-stores', '../test/support/stack', '../test/e2e/x', '../test/unit/setup', '../test/gateway/plugins/x',
  ]);
  expect(importsFromTest(path.join(TEST, 'unit', 'x.test.ts'), "import { f } from '../support/stack';")).toEqual(['../support/stack']);
});

test('no file outside test/ imports from test/', () => {
  const files = sourceFiles(ROOT);
  // The walk finds the trees it should (a broken walk would pass vacuously).
  for (const dir of ['kong', 'lib', 'bench', 'scripts', 'functions', 'stand-ins']) {
    expect(files.some((file) => file.startsWith(path.join(ROOT, dir) + path.sep))).toBe(true);
  }
  const offenders = files.flatMap((file) =>
    importsFromTest(file, readFileSync(file, 'utf8')).map((specifier) => `${path.relative(ROOT, file)} imports ${specifier}`));
  expect(offenders).toEqual([]);
});
