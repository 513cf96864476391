/**
 * Serves the web UI's built files (ui/ → `npm run build` → dist/ui/) at /_spoke/ui/.
 *
 * The files are code, the same as in the npm package, and carry no data: they are served
 * without the admin token, and every byte of portal data the UI shows comes through the
 * admin API, which needs the token when one is configured (docs/decisions.md, "Web UI").
 * Only files that the build wrote are served (no path from the URL reaches the file
 * system); they are read on first request, gzipped once, and hashed assets are cached
 * for good by the browser.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from '../error-envelope.js';
import { noUiFile, uiNotBuilt } from '../http-errors.js';
import { ADMIN_PREFIX } from './admin.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without the admin token (admin.ts): the UI's static files. */
    adminPublic?: boolean;
  }
}

export const UI_PATH = `${ADMIN_PREFIX}/ui/`;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** Style attributes are how Preact and Cytoscape position things; scripts come only from here. */
const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

interface UiFile {
  readonly body: Buffer;
  readonly type: string;
  readonly etag: string;
  readonly immutable: boolean;
  gzipped?: Buffer;
}

/**
 * The built UI: dist/ui under the package root, found by walking up from this module
 * (src/http/routes when run from source, dist/src/http/routes when compiled, dist/ when
 * bundled into dist/spoke.cjs).
 */
export function findUiDirectory(start: string = import.meta.dirname): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'ui');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

function listFiles(root: string, dir = root): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name.startsWith('.')) return []; // the build's stamp (scripts/build-ui.mjs)
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path).split(sep).join('/')];
  });
}

function loadFiles(root: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  for (const name of listFiles(root)) {
    const body = readFileSync(join(root, name));
    files.set(name, {
      body,
      type: TYPES[extname(name)] ?? 'application/octet-stream',
      etag: `"${createHash('sha1').update(body).digest('base64url')}"`,
      immutable: name.startsWith('assets/'),
    });
  }
  return files;
}

function send(request: FastifyRequest, reply: FastifyReply, file: UiFile): FastifyReply {
  reply
    .header('content-type', file.type)
    .header('etag', file.etag)
    .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer');
  if (file.type.startsWith('text/html')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
  if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
  const accepts = request.headers['accept-encoding'];
  if (typeof accepts === 'string' && /\bgzip\b/.test(accepts) && file.body.length > 1024) {
    file.gzipped ??= gzipSync(file.body);
    return reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding').send(file.gzipped);
  }
  return reply.send(file.body);
}

export function registerUiRoutes(
  app: FastifyInstance,
  directory: string | undefined = findUiDirectory(),
): void {
  let files: Map<string, UiFile> | undefined;
  let builtAt = 0;
  const serve = (request: FastifyRequest, reply: FastifyReply, name: string) => {
    // A rebuild while Spoke runs (npm run build) is picked up at the next page load.
    if (name === 'index.html' || !files) {
      const built = directory && statSync(join(directory, 'index.html'), { throwIfNoEntry: false });
      if (!built) {
        files = undefined;
        return sendError(reply, uiNotBuilt({}));
      }
      if (!files || built.mtimeMs !== builtAt) {
        files = loadFiles(directory);
        builtAt = built.mtimeMs;
      }
    }
    const file = files.get(name);
    if (!file) return sendError(reply, noUiFile({ path: `${UI_PATH}${name}` }));
    return send(request, reply, file);
  };
  const config = { adminPublic: true };
  app.get(`${ADMIN_PREFIX}/ui`, { config }, (request, reply) => serve(request, reply, 'index.html'));
  app.get<{ Params: { '*': string } }>(`${ADMIN_PREFIX}/ui/*`, { config }, (request, reply) =>
    serve(request, reply, request.params['*'] || 'index.html'),
  );
}
