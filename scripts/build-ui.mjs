#!/usr/bin/env node
// Builds the web UI (ui/ → dist/ui/) with Vite, unless dist/ui was built from exactly these
// sources: a stamp holds a hash of every file under ui/ and the versions of the packages
// the build bundles, so `npm run build` costs nothing for the UI when it did not change.
//
//   node scripts/build-ui.mjs [--force]
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = join(ROOT, 'ui');
const OUT = join(ROOT, 'dist', 'ui');
const STAMP = join(OUT, '.build-stamp');
const BUNDLED = ['vite', 'preact', 'cytoscape'];

function files(dir) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

function sourceHash() {
  const hash = createHash('sha256');
  for (const file of files(SOURCES))
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file));
  for (const name of BUNDLED) {
    const manifest = join(ROOT, 'node_modules', name, 'package.json');
    hash.update(`${name}@${existsSync(manifest) ? JSON.parse(readFileSync(manifest, 'utf8')).version : '?'}`);
  }
  return hash.digest('hex');
}

const wanted = sourceHash();
const force = process.argv.includes('--force');
if (
  !force &&
  existsSync(join(OUT, 'index.html')) &&
  existsSync(STAMP) &&
  readFileSync(STAMP, 'utf8') === wanted
) {
  process.exit(0);
}
const { build } = await import('vite');
await build({ configFile: join(SOURCES, 'vite.config.ts') });
writeFileSync(STAMP, wanted);
