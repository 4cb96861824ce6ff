import fs from 'node:fs';
import path from 'node:path';

/**
 * Every relative link in README.md and docs/*.md points to a file that
 * exists, and an anchor to a heading that file has (GitHub's slugs).
 */
const ROOT = path.resolve(__dirname, '../../..');

/**
 * Pages other branches of issue 21 write (the route checklist, the error
 * catalogue, invoking one function): a link to one is accepted while the
 * page does not exist yet, and checked like any other once it does.
 */
const WRITTEN_ELSEWHERE = new Set(['docs/adding-a-route.md', 'docs/errors.md', 'docs/invoking.md']);

const pages = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];

/** GitHub's anchors for a Markdown file's headings (outside code blocks). */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const slugs = new Set<string>();
  let fenced = false;
  for (const line of fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    const heading = !fenced && /^#{1,6} (.*)$/.exec(line);
    if (!heading) continue;
    const base = heading[1]
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    slugs.add(count ? `${base}-${count}` : base);
  }
  return slugs;
}

/** The relative links of a Markdown file, outside code blocks and code spans. */
function links(file: string): string[] {
  const text = fs
    .readFileSync(path.join(ROOT, file), 'utf8')
    .replace(/```[\s\S]*?```/g, '')
    .replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]).filter((target) => !/^[a-z]+:/i.test(target));
}

it('finds the pages and their links', () => {
  expect(pages).toEqual(expect.arrayContaining(['README.md', 'docs/configuration.md', 'docs/security.md']));
  expect(links('README.md').length).toBeGreaterThan(5);
});

it.each(pages)('%s links only to files and headings that exist', (page) => {
  const broken = [];
  for (const link of links(page)) {
    const [target, anchor] = link.split('#');
    const file = target ? path.posix.normalize(path.posix.join(path.posix.dirname(page), target)) : page;
    if (!fs.existsSync(path.join(ROOT, file))) {
      if (!WRITTEN_ELSEWHERE.has(file)) broken.push(`${link}: no ${file}`);
      continue;
    }
    if (anchor && !(file.endsWith('.md') && anchors(file).has(anchor))) broken.push(`${link}: no heading #${anchor} in ${file}`);
  }
  expect(broken).toEqual([]);
});
