/**
 * The contract check: every response is validated against the operation of HubSpot's spec
 * that its path family follows (decisions D1, D22–D24). The status code must be listed
 * for the operation (2xx explicitly; errors may use `default`), and the body must validate
 * against that status's schema. Spec files are the unmodified copies in `spec/`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const SPEC_DIR = join(fileURLToPath(new URL('.', import.meta.url)), '../../spec');

/** The families' spec files. `legacy` and `beta` files are history (decision D24). */
export const SPEC_FILES = [
  'associations-v4.json',
  'associations-2025-09.json',
  'associations-2026-03.json',
  'associations-2026-09.json',
  'associations-schema-v4.json',
  'associations-schema-2025-09.json',
  'associations-schema-2026-03.json',
  'associations-schema-2026-09.json',
  'objects-v3.json',
  'objects-2026-03.json',
  'objects-2026-09.json',
  'objects-2025-09.json',
  'contacts-v3.json',
  'companies-v3.json',
  'deals-v3.json',
  'tickets-v3.json',
  'associations-v3.json',
  'schemas-v3.json',
  'properties-v3.json',
  'properties-2026-03.json',
  'pipelines-v3.json',
  'pipelines-2026-03.json',
  'owners-v3.json',
  'owners-2026-03.json',
  'webhooks-v3.json',
];

type JsonSchema = Record<string, unknown>;

interface Operation {
  file: string;
  method: string;
  template: string;
  pattern: RegExp;
  literalSegments: number;
  responses: Record<string, { content?: Record<string, { schema?: JsonSchema }>; $ref?: string }>;
}

/**
 * OpenAPI 3.0 → JSON Schema for ajv, with one allowance (decision D22): a property
 * that the schema does not require may be `null`, because HubSpot sends `null` for some
 * optional fields its specs type as plain strings (an unlabeled type's `label`, an unset
 * property value).
 */
function toJsonSchema(node: unknown, file: string): unknown {
  if (typeof node !== 'object' || node === null) return node;
  const input = node as JsonSchema;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === 'example' || key === 'nullable' || key === 'description' || key.startsWith('x-')) continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = `${file}${value}`;
    else if (key === 'properties') {
      const required = new Set((input.required as string[] | undefined) ?? []);
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, unknown>).map(([name, schema]) => {
          const converted = toJsonSchema(schema, file);
          return [name, required.has(name) ? converted : { anyOf: [converted, { type: 'null' }] }];
        }),
      );
    } else if (key === 'additionalProperties' && typeof value === 'object' && value !== null) {
      out.additionalProperties = { anyOf: [toJsonSchema(value, file), { type: 'null' }] };
    } else if (key === 'items' || key === 'not') out[key] = toJsonSchema(value, file);
    else if (key === 'allOf' || key === 'anyOf' || key === 'oneOf') {
      out[key] = (value as unknown[]).map((v) => toJsonSchema(v, file));
    } else out[key] = value;
  }
  return input.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

/**
 * The one allowance beyond the spec besides `null` (docs/decisions.md, "Wire format"): HubSpot's wire
 * sends `StandardError.subCategory` as a string where the spec types an object.
 */
function allowStringSubCategory(standardError: unknown): void {
  const properties = (standardError as { properties?: Record<string, unknown> } | undefined)?.properties;
  if (properties?.subCategory === undefined) return;
  properties.subCategory = { anyOf: [properties.subCategory, { type: 'string' }] };
}

function compileTemplate(template: string): { pattern: RegExp; literalSegments: number } {
  const segments = template.split('/').filter(Boolean);
  const source = segments
    .map((s) => (s.startsWith('{') ? '[^/]+' : s.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('/');
  return {
    pattern: new RegExp(`^/${source}/?$`),
    literalSegments: segments.filter((s) => !s.startsWith('{')).length,
  };
}

export interface ContractViolation {
  method: string;
  url: string;
  status: number;
  problem: string;
}

export class ContractChecker {
  readonly #ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  readonly #operations: Operation[] = [];
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #errorSchemaRef: string;

  constructor() {
    addFormats(this.#ajv);
    for (const file of SPEC_FILES) {
      const spec = JSON.parse(readFileSync(join(SPEC_DIR, file), 'utf8')) as {
        paths: Record<string, Record<string, Operation['responses'] | unknown>>;
        components: Record<string, unknown>;
      };
      const schemas = (spec.components as { schemas?: Record<string, unknown> }).schemas ?? {};
      const converted = Object.fromEntries(
        Object.entries(schemas).map(([k, v]) => [k, toJsonSchema(v, file)]),
      );
      allowStringSubCategory(converted.StandardError);
      this.#ajv.addSchema({ components: { schemas: converted } } as JsonSchema, file);
      for (const [template, methods] of Object.entries(spec.paths)) {
        for (const [method, op] of Object.entries(methods)) {
          if (method === 'parameters') continue;
          const responses = (op as { responses: Operation['responses'] }).responses;
          const templates = [template];
          // The SDK calls the schema API under /crm/v4/associations (decision D23).
          if (template.startsWith('/crm/associations/v4/')) {
            templates.push(template.replace('/crm/associations/v4/', '/crm/v4/associations/'));
          }
          // The deals spec names its paths by type ID; clients call them by name.
          if (template.startsWith('/crm/v3/objects/0-3')) {
            templates.push(template.replace('/crm/v3/objects/0-3', '/crm/v3/objects/deals'));
          }
          // The schemas API is served at /crm/v3/schemas too (the custom objects guide's path).
          if (template.startsWith('/crm-object-schemas/v3/schemas')) {
            templates.push(template.replace('/crm-object-schemas/v3/schemas', '/crm/v3/schemas'));
          }
          for (const t of templates) {
            this.#operations.push({
              file,
              method: method.toUpperCase(),
              template: t,
              responses,
              ...compileTemplate(t),
            });
          }
        }
      }
    }
    this.#errorSchemaRef = 'associations-v4.json#/components/schemas/Error';
  }

  findOperation(method: string, path: string): Operation | undefined {
    let best: Operation | undefined;
    for (const op of this.#operations) {
      if (op.method !== method || !op.pattern.test(path)) continue;
      if (!best || op.literalSegments > best.literalSegments) best = op;
    }
    return best;
  }

  #validator(ref: string): ValidateFunction {
    let validate = this.#validators.get(ref);
    if (!validate) {
      validate = this.#ajv.compile({ $ref: ref });
      this.#validators.set(ref, validate);
    }
    return validate;
  }

  #schemaRefFor(op: Operation, status: number): string | undefined | null {
    const key = String(status);
    const response = op.responses[key] ?? (status >= 400 ? op.responses.default : undefined);
    if (!response) return null;
    const content = response.content ? Object.values(response.content)[0] : undefined;
    if (content?.schema?.$ref) return `${op.file}${content.schema.$ref as string}`;
    if (response.$ref || status >= 400) return `${op.file}#/components/schemas/Error`;
    return undefined;
  }

  /** Problems with one response, or an empty list. */
  check(
    method: string,
    url: string,
    status: number,
    contentType: string | undefined,
    body: string,
  ): string[] {
    const path = url.split('?')[0]!;
    const problems: string[] = [];
    if (status === 204) {
      if (body.length > 0) problems.push('204 with a body');
    } else if (status < 400 && path.startsWith('/_spoke/ui')) {
      // The web UI's files (HTML, scripts, styles): not API responses.
    } else if (contentType !== 'application/json;charset=utf-8') {
      problems.push(`Content-Type is ${JSON.stringify(contentType)}, not application/json;charset=utf-8`);
    }
    const op = this.findOperation(method, path);
    if (!op) {
      // Not a HubSpot operation (admin API, unknown route): errors must still be envelopes.
      if (status >= 400) problems.push(...this.#validate(this.#errorSchemaRef, body));
      return problems;
    }
    const ref = this.#schemaRefFor(op, status);
    if (ref === null) {
      problems.push(`status ${status} is not listed for ${method} ${op.template} in ${op.file}`);
      return problems;
    }
    if (ref !== undefined && status !== 204) problems.push(...this.#validate(ref, body));
    return problems;
  }

  #validate(ref: string, body: string): string[] {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return [`body is not JSON: ${body.slice(0, 200)}`];
    }
    const validate = this.#validator(ref);
    if (validate(json)) return [];
    return (validate.errors ?? []).map((e) => `${ref}: ${e.instancePath || '(root)'} ${e.message ?? ''}`);
  }
}

let shared: ContractChecker | undefined;
export function contractChecker(): ContractChecker {
  shared ??= new ContractChecker();
  return shared;
}
