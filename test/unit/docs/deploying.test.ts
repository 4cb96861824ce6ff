import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';

/**
 * docs/deploying.md's deploy command gives exactly the parameters
 * serverless.yml asks for outside the local stage: those the local stage
 * fills in and the default stage does not.
 */
const ROOT = path.resolve(__dirname, '../../..');

it('names every deploy parameter serverless.yml needs, and no other', () => {
  const { params } = YAML.parse(fs.readFileSync(path.join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' });
  const needed = Object.keys(params.local).filter((name) => !(name in params.default));
  const doc = fs.readFileSync(path.join(ROOT, 'docs/deploying.md'), 'utf8');
  const given = [...doc.matchAll(/--param=["']([A-Za-z]+)=/g)].map((match) => match[1]);
  expect(given.sort()).toEqual(needed.sort());
});
