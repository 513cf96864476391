/**
 * Checks on path and query parameters that their schemas cannot express, before validation:
 * - Integers arrive as text, and Ajv's type coercion reads text as JavaScript does: `1e5`,
 *   `0x10` and ` 7` become numbers, and 400 digits become Infinity, which passes `integer`
 *   and skips `maximum` (Ajv checks bounds on finite numbers only). HubSpot reads these as
 *   plain decimal integers, so a parameter typed `integer` must be at most 15 decimal digits.
 * - No parameter may contain NUL (`%00`): PostgreSQL cannot store it, and no ID, type name
 *   or cursor has one.
 */
import type { FastifyInstance } from 'fastify';
import { HttpError } from './error-envelope.js';

const DECIMAL = /^-?\d{1,15}$/;

interface ObjectSchema {
  properties?: Record<string, { type?: unknown }>;
}

function problemIn(values: unknown, schema: unknown): string | undefined {
  if (values === null || typeof values !== 'object') return undefined;
  const properties = (schema as ObjectSchema | undefined)?.properties;
  for (const [key, value] of Object.entries(values)) {
    for (const text of [value].flat()) {
      if (typeof text !== 'string') continue;
      if (text.includes('\u0000')) return `${key} may not contain NUL`;
      if (properties?.[key]?.type === 'integer' && !DECIMAL.test(text))
        return `${key} must be a decimal integer`;
    }
  }
  return undefined;
}

export function checkRequestParams(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const schema = request.routeOptions.schema;
    for (const [where, values, partSchema] of [
      ['params', request.params, schema?.params],
      ['querystring', request.query, schema?.querystring],
    ] as const) {
      const problem = problemIn(values, partSchema);
      if (problem !== undefined) {
        throw new HttpError(400, 'VALIDATION_ERROR', `Invalid input: ${where}/${problem}`, {
          context: { in: [where] },
        });
      }
    }
  });
}
