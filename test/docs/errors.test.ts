/**
 * The error catalog: every HubSpot error Spoke can return is made by a factory in an area's
 * `*-errors.ts` file, and docs/errors.md lists each factory with its status, category,
 * subCategory and message pattern. A factory without a row, a row without a factory, a row that
 * says something else than the code, or an error made outside the catalog fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import type { ErrorSpec } from '../../src/domain/error-catalog.js';
import { SpokeError } from '../../src/domain/errors.js';
import { statusOf } from '../../src/http/error-envelope.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const DOC = 'docs/errors.md';

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) return filesUnder(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

const sources = filesUnder('src');
// src/store's errors (a unique violation, an unavailable database) are the domain's to translate.
const catalogFiles = sources.filter((f) => f.endsWith('-errors.ts') && !f.startsWith('src/store/'));

interface Row {
  readonly status: string;
  readonly category: string;
  readonly subCategory: string;
  readonly message: string;
}

function rowOf(spec: ErrorSpec): Row {
  return {
    status: String(spec.status ?? statusOf(new SpokeError(spec.category, ''))),
    category: spec.category,
    subCategory: spec.subCategory ?? '',
    message: spec.message,
  };
}

/** `file#name` of every factory the code declares, with the row its spec calls for. */
async function factories(): Promise<Map<string, Row>> {
  const found = new Map<string, Row>();
  for (const file of catalogFiles) {
    const module = (await import(pathToFileURL(join(root, file)).href)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(module)) {
      const spec = (value as { spec?: ErrorSpec } | null)?.spec;
      if (typeof value === 'function' && spec) found.set(`${file}#${name}`, rowOf(spec));
    }
  }
  return found;
}

const cells = (line: string) =>
  line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim().replace(/\\\|/g, '|'));

/** `file#name` of every row of docs/errors.md; a section's heading names its file in backticks. */
function documented(): Map<string, Row> {
  const rows = new Map<string, Row>();
  let file: string | undefined;
  for (const line of readFileSync(join(root, DOC), 'utf8').split('\n')) {
    const heading = /^## .*`(src\/[^`]+-errors\.ts)`/.exec(line);
    if (heading) file = heading[1];
    else if (/^## /.test(line)) file = undefined;
    const row = /^\| `(\w+)` +\|/.exec(line);
    if (!row) continue;
    assert.ok(file, `${DOC}: the row of ${row[1]} is under a heading that names its *-errors.ts file`);
    const [, status, category, subCategory, message] = cells(line);
    const key = `${file}#${row[1]}`;
    assert.ok(!rows.has(key), `${DOC} lists ${key} once`);
    rows.set(key, {
      status: status!,
      category: category!,
      subCategory: subCategory === '—' ? '' : unquote(subCategory!),
      message: unquote(message!),
    });
  }
  return rows;
}

/** A code span's text; one with a backtick inside is fenced with two (`` a `b` c ``). */
const unquote = (cell: string) => /^(`+) ?(.*?) ?\1$/.exec(cell)?.[2] ?? cell;
const quote = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

const docRow = (name: string, row: Row) =>
  `| \`${name}\` | ${row.status} | ${row.category} | ${row.subCategory ? quote(row.subCategory) : '—'} | ${quote(row.message.replace(/\|/g, '\\|'))} |`;

describe('error catalog', () => {
  it('lists every factory in docs/errors.md, and nothing else', async () => {
    const code = await factories();
    const doc = documented();
    assert.ok(code.size > 50, `the catalog files declare their factories (found ${code.size})`);
    const missing = [...code].filter(([key]) => !doc.has(key));
    assert.deepEqual(
      missing.map(([key, row]) => `${key.split('#')[0]}: ${docRow(key.split('#')[1]!, row)}`),
      [],
      `factories without a row in ${DOC}`,
    );
    assert.deepEqual(
      [...doc.keys()].filter((key) => !code.has(key)),
      [],
      `rows of ${DOC} without a factory`,
    );
  });

  it('documents each factory with the status, category, subCategory and message its spec has', async () => {
    const code = await factories();
    const doc = documented();
    for (const [key, row] of code) {
      const listed = doc.get(key);
      if (listed) assert.deepEqual(listed, row, `${DOC}: ${key} is ${docRow(key.split('#')[1]!, row)}`);
    }
  });

  it('has no error made outside a catalog file', () => {
    const made =
      /\bnew (ValidationError|NotFoundError|ConflictError|AuthenticationError|RateLimitError|HttpError|SpokeError)\(/;
    const outside = sources
      .filter((f) => !catalogFiles.includes(f) && f !== 'src/domain/error-catalog.ts')
      .flatMap((f) =>
        readFileSync(join(root, f), 'utf8')
          .split('\n')
          .flatMap((line, i) => (made.test(line) ? [`${relative('.', f)}:${i + 1}: ${line.trim()}`] : [])),
      );
    assert.deepEqual(outside, [], 'errors are made by a factory of an *-errors.ts file');
  });

  it('builds the HubSpot envelope in src/http/error-envelope.ts only', () => {
    const builders = sources.filter(
      (f) =>
        f !== 'src/http/error-envelope.ts' && /status: 'error'/.test(readFileSync(join(root, f), 'utf8')),
    );
    assert.deepEqual(builders, []);
  });

  it('fills a message pattern with its values, and a factory makes the error its spec names', async () => {
    const { errorFactory, fillMessage } = await import('../../src/domain/error-catalog.js');
    assert.equal(fillMessage('No app with ID {appId}', { appId: 7 }), 'No app with ID 7');
    assert.equal(fillMessage('{ "tier": … } {x}', {}), '{ "tier": … } {x}');
    const made = errorFactory(
      { category: 'CONFLICT', subCategory: 'x.Y', message: 'Stage {id} already exists' },
      (make, id: string) => make({ id }, { context: { id: [id] } }),
    )('s1');
    assert.equal(made.message, 'Stage s1 already exists');
    assert.equal(made.category, 'CONFLICT');
    assert.equal(made.subCategory, 'x.Y');
    assert.deepEqual(made.context, { id: ['s1'] });
    assert.equal(statusOf(made), 409);
  });
});
