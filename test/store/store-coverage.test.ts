/**
 * The store contract covers every method of the store's interfaces: each method that
 * src/store/store.ts and the role files it composes (roles/, catalog-store.ts) declare is called by a test in test/store
 * (which both adapters run). A method added without a contract test fails here.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';

const root = fileURLToPath(new URL('../..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** The methods an interface body declares (`name(` or `name<T>(` at the start of a member). */
function declaredMethods(source: string): string[] {
  const names: string[] = [];
  for (const body of source.matchAll(/export interface \w+[^{]*\{([\s\S]*?)\n\}/g))
    for (const m of body[1]!.matchAll(/^ {2}(?:readonly )?(\w+)(?:<[^>]*>)?\(/gm)) names.push(m[1]!);
  return [...new Set(names)].sort();
}

it('calls every store method in the contract tests', () => {
  const roles = readdirSync(join(root, 'src/store/roles')).map((f) => `src/store/roles/${f}`);
  const interfaces = ['src/store/store.ts', 'src/store/catalog-store.ts', ...roles];
  const methods = interfaces.flatMap((f) => declaredMethods(read(f)));
  assert.ok(methods.length > 60, `found the store's methods (${methods.length})`);
  const tests = readdirSync(join(root, 'test/store'))
    .map((f) => read(join('test/store', f)))
    .join('\n');
  const uncalled = methods.filter((m) => !new RegExp(`\\.${m}\\b`).test(tests));
  assert.deepEqual(uncalled, [], 'store methods no test in test/store calls');
});
