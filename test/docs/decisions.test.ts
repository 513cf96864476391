/**
 * Every decision the code, tests and docs cite is in docs/decisions.md: numbered decisions
 * (`decision D8`, `decisions D9–D13`) by number, sections (`docs/decisions.md, "Web UI"` or
 * `docs/decisions.md#web-ui`) by heading. Citations of documents outside the repository
 * (the shared compat notes, bare numbers) fail too, so a citation can never point nowhere.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SELF = 'test/docs/decisions.test.ts';

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) return [];
    if (statSync(join(root, path)).isDirectory()) return filesUnder(path);
    return /\.(ts|tsx|mjs|js|md)$/.test(name) ? [path] : [];
  });
}

interface Catalog {
  readonly numbers: ReadonlySet<number>;
  readonly headings: ReadonlySet<string>;
  readonly anchors: ReadonlySet<string>;
}

/** GitHub's anchor for a heading. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} -]/gu, '')
    .replace(/ /g, '-');

function catalogOf(markdown: string): Catalog {
  const numbers = [...markdown.matchAll(/^- \*\*D(\d+)\b/gm)].map((m) => Number(m[1]));
  assert.equal(new Set(numbers).size, numbers.length, `decision numbers are unique: ${numbers.join(', ')}`);
  const headings = [...markdown.matchAll(/^#{2,6} (.+)$/gm)].map((m) => m[1]!.trim());
  return { numbers: new Set(numbers), headings: new Set(headings), anchors: new Set(headings.map(slug)) };
}

/** The shared notes Spoke was built from: references, not part of the repository. */
const OUTSIDE =
  /compat-decisions|associations-api\.md|official-client\.md|next-features\.md|style-anchors\.md|\/work\/shared/gi;

/** What in `text` cites something the catalog lacks, or a document outside the repository. */
function citationProblems(text: string, catalog: Catalog): string[] {
  // A citation may wrap onto the next line of a comment.
  const flat = text.replace(/\n[ \t]*(?:\*(?!\/)|\/\/)?[ \t]*/g, ' ');
  const problems: string[] = [];
  for (const m of flat.matchAll(OUTSIDE))
    problems.push(`cites a document outside the repository: "${flat.slice(m.index, m.index + 40)}"`);
  for (const m of flat.matchAll(/\bdecisions?\s+\d+/gi))
    problems.push(`cites a decision by a bare number: "${m[0]}"`);
  for (const m of flat.matchAll(/\bdecisions?\s+(D\d+(?:\s*(?:–|-|,|and|or)\s*D\d+)*)/gi)) {
    const cited: number[] = [];
    for (const part of m[1]!.split(/\s*(?:,|and|or)\s*/)) {
      const [from, to = from] = part.split(/\s*[–-]\s*/).map((d) => Number(d.replace(/^D/i, '')));
      for (let n = from!; n <= to!; n++) cited.push(n);
    }
    for (const n of cited)
      if (!catalog.numbers.has(n)) problems.push(`cites D${n}, which docs/decisions.md lacks ("${m[0]}")`);
  }
  for (const m of flat.matchAll(/docs\/decisions\.md(?:#([\w-]+)|,\s*("?)([^")]*)\2)?/g)) {
    if (m[1] !== undefined && !catalog.anchors.has(m[1]))
      problems.push(`links to #${m[1]}, which is no heading of docs/decisions.md`);
    if (m[3] !== undefined && (m[2] !== '"' || !catalog.headings.has(m[3])))
      problems.push(
        `cites section ${JSON.stringify(m[3])}, which is no heading of docs/decisions.md (quote it exactly)`,
      );
  }
  return problems;
}

describe('decision citations', () => {
  const catalog = catalogOf(readFileSync(join(root, 'docs/decisions.md'), 'utf8'));

  it('finds what it promises to find', () => {
    const known: Catalog = {
      numbers: new Set([1, 2, 3]),
      headings: new Set(['Web UI']),
      anchors: new Set(['web-ui']),
    };
    assert.deepEqual(
      citationProblems(
        '/** ok (decisions D1–D3) and (decision D2) and (docs/decisions.md, "Web UI") */',
        known,
      ),
      [],
    );
    const found = citationProblems(
      [
        '/** rules (compat-decisions 4), (decision 7), (decisions D2 and',
        ' * D9), (decisions D1–D4), (associations-api.md §2.4)',
        ' * (docs/decisions.md, "Rate limits"), (docs/decisions.md, Web UI) and docs/decisions.md#webui */',
      ].join('\n'),
      known,
    );
    // compat-decisions 4 is both outside the repository and a bare number.
    assert.equal(found.length, 9, found.join('\n'));
    for (const pattern of [
      /outside/,
      /associations-api/,
      /bare number/,
      /D9,/,
      /D4,/,
      /"Rate limits"/,
      /"Web UI"/,
      /#webui/,
    ])
      assert.ok(
        found.some((p) => pattern.test(p)),
        `${pattern} in ${found.join('\n')}`,
      );
  });

  it('docs/decisions.md numbers its decisions', () => {
    assert.ok(catalog.numbers.size >= 24, `${catalog.numbers.size} numbered decisions`);
  });

  it('src/, test/, ui/, README.md and docs/ cite only what docs/decisions.md holds', () => {
    const files = [
      ...filesUnder('src'),
      ...filesUnder('test'),
      ...filesUnder('ui'),
      ...filesUnder('docs'),
      'README.md',
    ].filter((f) => f !== SELF);
    assert.ok(files.length > 100, `${files.length} files scanned`);
    const problems = files.flatMap((file) =>
      citationProblems(readFileSync(join(root, file), 'utf8'), catalog).map((p) => `${file}: ${p}`),
    );
    assert.deepEqual(problems, []);
  });
});
