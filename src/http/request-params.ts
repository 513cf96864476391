/**
 * Checks on path and query parameters that their schemas cannot express, before validation:
 * - Integers arrive as text, and Ajv's type coercion reads text as JavaScript does: `1e5`,
 *   `0x10` and ` 7` become numbers, and 400 digits become Infinity, which passes `integer`
 *   and skips `maximum` (Ajv checks bounds on finite numbers only). HubSpot reads these as
 *   plain decimal integers, so a parameter typed `integer` must be at most 15 decimal digits.
 * - No parameter may contain NUL (`%00`): PostgreSQL cannot store it, and no ID, type name
 *   or cursor has one.
 * - Booleans are read in any letter case (`True`, `FALSE`), as HubSpot's Java stack reads them:
 *   HubSpot's Python client sends `archived=True`. Ajv's coercion knows only `true` and `false`,
 *   so the value is lowered here, once for every route, before Ajv sees it (docs/decisions.md, "Wire format").
 */
import type { FastifyInstance } from 'fastify';
import type { HttpError } from './error-envelope.js';
import { invalidInput } from './http-errors.js';

const DECIMAL = /^-?\d{1,15}$/;
const BOOLEAN = /^(?:true|false)$/i;

interface ObjectSchema {
  properties?: Record<string, { type?: unknown }>;
}

/** The first problem in `values`; lowers booleans' letter case in place. */
// Runs on every request: plain loops, no intermediate arrays, and a callback hook (no promise).
function problemIn(values: unknown, schema: unknown): string | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  const properties = (schema as ObjectSchema | undefined)?.properties;
  const record = values as Record<string, unknown>;
  for (const key in record) {
    const value = record[key];
    const type = properties?.[key]?.type;
    if (type === 'boolean' && typeof value === 'string' && BOOLEAN.test(value)) {
      record[key] = value.toLowerCase();
      continue;
    }
    const integer = type === 'integer';
    if (Array.isArray(value)) {
      for (const item of value) {
        const problem = problemOf(key, item, integer);
        if (problem !== undefined) return problem;
      }
    } else {
      const problem = problemOf(key, value, integer);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function problemOf(key: string, value: unknown, integer: boolean): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value.includes('\u0000')) return `${key} may not contain NUL`;
  if (integer && !DECIMAL.test(value)) return `${key} must be a decimal integer`;
  return undefined;
}

function paramsError(where: string, problem: string): HttpError {
  return invalidInput(`${where}/${problem}`, where);
}

export function checkRequestParams(app: FastifyInstance): void {
  app.addHook('preValidation', (request, _reply, done) => {
    const schema = request.routeOptions.schema;
    const inParams = problemIn(request.params, schema?.params);
    if (inParams !== undefined) return done(paramsError('params', inParams));
    const inQuery = problemIn(request.query, schema?.querystring);
    if (inQuery !== undefined) return done(paramsError('querystring', inQuery));
    done();
  });
}
