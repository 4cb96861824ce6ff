import fs from 'node:fs';
import path from 'node:path';

/**
 * README.md's layout stays true: every folder it names exists, and every
 * folder of functions/ and lib/ is named.
 */
const ROOT = path.resolve(__dirname, '../../..');
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

/** The folders the layout block names, as paths from the root (children indented two spaces under their parent). */
function layoutFolders(): string[] {
  const block = /## Layout\n[\s\S]*?```\n([\s\S]*?)```/.exec(README)?.[1];
  if (!block) throw new Error('README.md has no layout block');
  const folders: string[] = [];
  let parent = '';
  for (const line of block.split('\n')) {
    const match = /^( {0,2})([a-z][\w.-]*\/(?:, [a-z][\w.-]*\/)*)\s/.exec(line);
    if (!match) continue;
    const names = match[2].split(', ');
    if (match[1] === '') {
      parent = names[0];
      folders.push(...names);
    } else {
      folders.push(...names.map((name) => parent + name));
    }
  }
  return folders;
}

it('names only folders that exist', () => {
  const folders = layoutFolders();
  expect(folders).toEqual(expect.arrayContaining(['functions/', 'lib/', 'lib/flows/', 'kong/gateway/', 'docs/']));
  expect(folders.filter((folder) => !fs.existsSync(path.join(ROOT, folder)))).toEqual([]);
});

it.each(['functions', 'lib'])('names every folder of %s/', (dir) => {
  const named = new Set(layoutFolders());
  const folders = fs
    .readdirSync(path.join(ROOT, dir), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => `${dir}/${entry.name}/`);
  expect(folders.filter((folder) => !named.has(folder))).toEqual([]);
});

it('keeps README.md a front door: at most 300 lines, depth in docs/', () => {
  expect(README.split('\n').length).toBeLessThanOrEqual(300);
});
