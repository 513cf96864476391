/**
 * Generated bad requests for the fuzz test. Every operation of HubSpot's specs (the same
 * files the contract check reads) and every admin endpoint gets requests with one fault
 * each: a bad path parameter, a bad body, a bad content type or bad credentials. Bodies
 * start from an instance sampled from the operation's request schema, so a fault is often
 * the only thing wrong with a request. A seeded generator makes every run reproducible.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SPEC_FILES } from './contract.js';

const SPEC_DIR = join(fileURLToPath(new URL('.', import.meta.url)), '../../spec');

export interface FuzzContext {
  readonly contactId: string;
  readonly companyId: string;
  readonly labelTypeId: number;
  readonly token: string;
  /** The portal admin endpoints act on: not the fuzzed one, since resetting it is a success. */
  readonly scratchPortalId: number;
}

export interface FuzzRequest {
  /** What is wrong with it. */
  readonly fault: string;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** HubSpot would answer this with a success, so Spoke may too. */
  readonly mayPass: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = Record<string, unknown>;

interface Operation {
  readonly method: string;
  readonly template: string;
  readonly bodySchema?: Schema;
  /** The body may be left out (Spoke's admin API only). */
  readonly optionalBody?: boolean;
  readonly resolve: (schema: Schema) => Schema;
}

/** mulberry32: small, fast and good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function specOperations(): Operation[] {
  const operations: Operation[] = [];
  for (const file of SPEC_FILES) {
    const spec = JSON.parse(readFileSync(join(SPEC_DIR, file), 'utf8')) as {
      paths: Record<
        string,
        Record<string, { requestBody?: { content?: Record<string, { schema?: Schema }> } }>
      >;
      components?: { schemas?: Record<string, Schema> };
    };
    const resolve = (schema: Schema): Schema => {
      const ref = schema.$ref;
      if (typeof ref !== 'string') return schema;
      const name = ref.split('/').pop()!;
      return resolve(spec.components?.schemas?.[name] ?? {});
    };
    for (const [template, item] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
        operations.push({
          method: method.toUpperCase(),
          template,
          ...(bodySchema && { bodySchema }),
          resolve,
        });
      }
    }
  }
  return operations;
}

/** Spoke's own admin API, which has no spec but answers bad input the same way. */
const ADMIN_OPERATIONS: Array<Omit<Operation, 'resolve'>> = [
  {
    method: 'POST',
    template: '/_spoke/portals',
    bodySchema: { type: 'object', properties: { portalId: { type: 'integer' } } },
    optionalBody: true,
  },
  { method: 'POST', template: '/_spoke/portals/{portalId}/reset' },
  { method: 'GET', template: '/_spoke/portals/{portalId}/snapshots' },
  {
    method: 'POST',
    template: '/_spoke/portals/{portalId}/snapshots',
    bodySchema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  },
  { method: 'POST', template: '/_spoke/portals/{portalId}/snapshots/{name}/restore' },
  { method: 'DELETE', template: '/_spoke/portals/{portalId}/snapshots/{name}' },
  { method: 'GET', template: '/_spoke/portals/{portalId}/export' },
  {
    method: 'POST',
    template: '/_spoke/portals/{portalId}/import',
    bodySchema: { type: 'object', required: ['format'], properties: { format: { type: 'string' } } },
  },
  {
    method: 'POST',
    template: '/_spoke/portals/{portalId}/seed',
    bodySchema: { type: 'object', properties: { records: { type: 'object' } } },
    optionalBody: true,
  },
  { method: 'POST', template: '/_spoke/portals/{portalId}/objects/{objectType}/{objectId}/restore' },
  // The web UI's read API (src/http/routes/inspect.ts, activity.ts).
  { method: 'GET', template: '/_spoke/portals/{portalId}/overview' },
  { method: 'GET', template: '/_spoke/portals/{portalId}/objects/{objectType}' },
  { method: 'GET', template: '/_spoke/portals/{portalId}/records/{objectId}' },
  { method: 'GET', template: '/_spoke/portals/{portalId}/records/{objectId}/associations/{toObjectType}' },
  { method: 'GET', template: '/_spoke/portals/{portalId}/graph/{objectId}' },
  { method: 'GET', template: '/_spoke/portals/{portalId}/graph/{objectId}/neighbours/{toObjectType}' },
  { method: 'GET', template: '/_spoke/portals/{portalId}/association-usage' },
  {
    method: 'PUT',
    template: '/_spoke/clock',
    bodySchema: { type: 'object', required: ['time'], properties: { time: { type: 'string' } } },
  },
  {
    method: 'POST',
    template: '/_spoke/clock/advance',
    bodySchema: { type: 'object', required: ['ms'], properties: { ms: { type: 'integer' } } },
  },
];

/** A small valid-looking instance of `schema`: required properties, one array item. */
function sample(schema: Schema, resolve: (s: Schema) => Schema, depth = 0): Json {
  const s = resolve(schema);
  if (depth > 6) return null;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0] as Json;
  for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) return sample(options[0] as Schema, resolve, depth + 1);
  }
  switch (s.type) {
    case 'object': {
      const out: Record<string, Json> = {};
      const properties = (s.properties ?? {}) as Record<string, Schema>;
      const required = new Set((s.required ?? []) as string[]);
      for (const [name, property] of Object.entries(properties)) {
        if (required.has(name)) out[name] = sample(property, resolve, depth + 1);
      }
      return out;
    }
    case 'array':
      return [sample((s.items ?? {}) as Schema, resolve, depth + 1)];
    case 'integer':
    case 'number':
      return 1;
    case 'boolean':
      return true;
    case 'string':
      return s.format === 'date-time' ? '2026-01-01T00:00:00Z' : 'x';
    default:
      return s.properties ? sample({ ...s, type: 'object' }, resolve, depth) : 'x';
  }
}

/** Every path to a value inside `value`, as key lists. */
function leaves(value: Json, at: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...at, i]));
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    return entries.length === 0 ? [at] : entries.flatMap(([k, v]) => leaves(v, [...at, k]));
  }
  return [at];
}

function setAt(value: Json, path: Array<string | number>, replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const copy = structuredClone(value) as Record<string | number, Json>;
  let node: Record<string | number, Json> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (replacement === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = replacement;
  return copy as Json;
}

function mapStrings(value: Json, f: (s: string) => string): Json {
  if (typeof value === 'string') return f(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, f));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, f)]));
  return value;
}

const PATH_FAULTS: Array<[string, string]> = [
  ['negative id', '-1'],
  ['zero id', '0'],
  ['non-numeric id', 'abc'],
  ['id beyond 2^63', '9223372036854775808'],
  ['id of 40 digits', '1'.padEnd(40, '0')],
  ['fractional id', '1.5'],
  ['exponent id', '1e5'],
  ['unknown object type', 'unicorns'],
  ['unknown type id', '9-999'],
  ['unicode', '%E2%98%83%F0%9F%92%A9'],
  ['NUL', 'a%00b'],
  ['very long segment', 'a'.repeat(3000)],
  ['long segment', '7'.repeat(600)],
  ['SQL injection', encodeURIComponent("1' OR '1'='1")],
  ['SQL injection', encodeURIComponent('1; DROP TABLE associations;--')],
  ['__proto__', '__proto__'],
  ['constructor', 'constructor'],
  ['bad percent escape', '%ZZ'],
  ['encoded slash', 'a%2Fb'],
];

/** Parameters any string is a valid value of (a snapshot name, say). */
const FREE_FORM_PARAMS = new Set(['name', 'groupName', 'propertyName', 'associationIdentifier']);

const MALFORMED_JSON = [
  '{',
  '{"inputs":[',
  '[1,2,',
  'nul',
  '{"a":1,,}',
  "{'a':1}",
  '{"a":}',
  '{"a":1}x',
  '"',
  '{"a":"\\x"}',
];

const WRONG_VALUES: Json[] = ['x', 123, -1, 1.5, true, null, [], {}, [[[]]], '9223372036854775808'];

const BAD_STRINGS: Array<[string, (s: string) => string]> = [
  ['NUL in strings', (s) => `${s}\u0000${s}`],
  ['unicode in strings', () => '☃💩\u202Eé\u{10FFFF}'],
  ['very long strings', () => 'z'.repeat(100_000)],
  ['SQL injection in strings', () => "'; DROP TABLE objects;--"],
  ['__proto__ as a string', () => '__proto__'],
];

const CONTENT_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
];

export class FuzzGenerator {
  readonly #random: () => number;
  readonly #operations: Operation[];
  #next = 0;

  constructor(
    seed: number,
    private readonly context: FuzzContext,
  ) {
    this.#random = seededRandom(seed);
    const specs = specOperations();
    const resolve = (schema: Schema) => schema;
    this.#operations = [...specs, ...ADMIN_OPERATIONS.map((o) => ({ ...o, resolve }))];
  }

  get operationCount(): number {
    return this.#operations.length;
  }

  #pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.#random() * list.length)]!;
  }

  /** A valid value for a path parameter, so that only the fault is wrong. */
  #validParam(name: string): string {
    const { contactId, companyId, labelTypeId, scratchPortalId } = this.context;
    switch (name) {
      case 'objectType':
      case 'fromObjectType':
        return 'contacts';
      case 'toObjectType':
        return 'companies';
      case 'objectId':
      case 'fromObjectId':
      case 'contactId':
        return contactId;
      case 'toObjectId':
      case 'companyId':
        return companyId;
      case 'associationTypeId':
        return String(labelTypeId);
      case 'portalId':
        return String(scratchPortalId);
      case 'userId':
        return '1';
      case 'name':
        return 'fuzz';
      case 'groupName':
        return 'contactinformation';
      case 'propertyName':
        return 'email';
      default:
        return 'x';
    }
  }

  /** The next request; operations take turns, so every one gets its share. */
  next(): FuzzRequest {
    const operation = this.#operations[this.#next++ % this.#operations.length]!;
    const params = [...operation.template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const headers: Record<string, string> = { authorization: `Bearer ${this.context.token}` };
    const fillPath = (fault?: { param: string; value: string }) =>
      operation.template.replace(/\{(\w+)\}/g, (_, name: string) =>
        fault?.param === name ? fault.value : this.#validParam(name),
      );
    const base = operation.bodySchema ? sample(operation.bodySchema, operation.resolve) : undefined;
    const validBody = base === undefined ? undefined : JSON.stringify(base);
    if (validBody !== undefined) headers['content-type'] = 'application/json';

    const kinds = ['path', 'path', 'auth', ...(operation.bodySchema ? ['body', 'body', 'body', 'body'] : [])];
    const kind =
      params.length === 0 && kinds.length > 1
        ? this.#pick(kinds.filter((k) => k !== 'path'))
        : this.#pick(kinds);
    const request = (
      fault: string,
      path: string,
      body: string | undefined,
      mayPass = false,
    ): FuzzRequest => ({
      fault,
      method: operation.method,
      path,
      headers,
      ...(body !== undefined && { body }),
      mayPass,
    });

    if (kind === 'path' && params.length > 0) {
      const [fault, value] = this.#pick(PATH_FAULTS);
      const param = this.#pick(params);
      // 0 is a well-formed ID of no record: reading it finds nothing (an empty list, say),
      // deleting it succeeds (DELETE is idempotent), and Spoke has no users to look up.
      const wellFormed =
        fault === 'zero id' &&
        (operation.method !== 'POST' || param === 'userId') &&
        !param.startsWith('portal');
      return request(fault, fillPath({ param, value }), validBody, wellFormed || FREE_FORM_PARAMS.has(param));
    }
    if (kind === 'auth') {
      const choice = this.#pick(['missing', 'basic', 'unknown', 'empty', 'long', 'nul']);
      if (choice === 'missing') delete headers.authorization;
      else if (choice === 'basic') headers.authorization = 'Basic dXNlcjpwYXNz';
      else if (choice === 'unknown') headers.authorization = 'Bearer not-a-token';
      else if (choice === 'empty') headers.authorization = 'Bearer ';
      else if (choice === 'long') headers.authorization = `Bearer ${'t'.repeat(8000)}`;
      else headers.authorization = 'Bearer a\tb';
      // The admin API does not read bearer tokens (it has its own, when configured).
      return request(
        `authorization: ${choice}`,
        fillPath(),
        validBody,
        operation.template.startsWith('/_spoke'),
      );
    }
    // A body fault.
    const path = fillPath();
    const body = base!;
    const choice = this.#pick([
      'malformed',
      'truncated',
      'wrong root',
      'wrong field',
      'wrong field',
      'missing field',
      'extra field',
      'proto key',
      'bad strings',
      'duplicate inputs',
      'over the input limit',
      'empty',
      'content type',
      'too large',
    ]);
    switch (choice) {
      case 'malformed':
        // A byte order mark is not JSON, but parsers may skip it (RFC 8259 §8.1).
        if (this.#random() < 0.05) return request('byte order mark', path, `\u{FEFF}${validBody}`, true);
        return request('malformed JSON', path, this.#pick(MALFORMED_JSON));
      case 'truncated': {
        const text = validBody!;
        return request(
          'truncated JSON',
          path,
          text.slice(0, Math.max(1, Math.floor(this.#random() * (text.length - 1)))),
        );
      }
      case 'wrong root': {
        const wrong = Array.isArray(body)
          ? this.#pick(['{}', '"x"', '1', 'null'])
          : this.#pick(['[]', '"x"', '1', 'null', 'true']);
        return request('wrong type at the root', path, wrong);
      }
      case 'wrong field': {
        const target = this.#pick(leaves(body));
        if (target.length === 0) return request('wrong type at the root', path, '"x"');
        return request(
          `wrong type at ${target.join('.')}`,
          path,
          JSON.stringify(setAt(body, target, this.#pick(WRONG_VALUES))),
          true,
        );
      }
      case 'missing field': {
        const target = this.#pick(leaves(body));
        if (target.length === 0) return request('empty object', path, '{}', true);
        return request(
          `missing ${target.join('.')}`,
          path,
          JSON.stringify(setAt(body, target, undefined)),
          true,
        );
      }
      case 'extra field':
        return request(
          'extra field',
          path,
          JSON.stringify(
            Array.isArray(body) ? [...body, { unexpected: 1 }] : { ...(body as object), unexpectedField: 1 },
          ),
          true,
        );
      case 'proto key': {
        const text = validBody!;
        const poison = this.#pick([
          '"__proto__":{"polluted":true}',
          '"constructor":{"prototype":{"polluted":true}}',
        ]);
        const poisoned =
          text.startsWith('{') && text !== '{}' ? `{${poison},${text.slice(1)}` : `{${poison}}`;
        return request('prototype poisoning', path, poisoned);
      }
      case 'bad strings': {
        const [fault, f] = this.#pick(BAD_STRINGS);
        return request(fault, path, JSON.stringify(mapStrings(body, f)), true);
      }
      case 'duplicate inputs': {
        const inputs = (body as { inputs?: Json[] } | null)?.inputs;
        if (!Array.isArray(inputs) || inputs.length === 0)
          return request('malformed JSON', path, this.#pick(MALFORMED_JSON));
        return request(
          'duplicate inputs',
          path,
          JSON.stringify({ ...(body as object), inputs: [inputs[0]!, inputs[0]!] }),
          true,
        );
      }
      case 'over the input limit': {
        const inputs = (body as { inputs?: Json[] } | null)?.inputs;
        if (!Array.isArray(inputs) || inputs.length === 0)
          return request('malformed JSON', path, this.#pick(MALFORMED_JSON));
        // More than any batch endpoint accepts (the largest limit is 2,000). HubSpot states
        // no limit for reading schemas in a batch, and Spoke sets none.
        return request(
          'over the input limit',
          path,
          JSON.stringify({ ...(body as object), inputs: Array.from({ length: 2001 }, () => inputs[0]!) }),
          path.includes('/schemas/batch/read'),
        );
      }
      case 'empty':
        return request('empty body', path, '', operation.optionalBody === true);
      case 'content type':
        headers['content-type'] = this.#pick(CONTENT_TYPES);
        return request(`content type ${headers['content-type']}`, path, validBody);
      case 'too large':
        // Rare on purpose: 9 MiB per request.
        if (this.#random() < 0.2)
          return request('body over the size limit', path, `{"inputs":["${'x'.repeat(9 * 1024 * 1024)}"]}`);
        return request('malformed JSON', path, this.#pick(MALFORMED_JSON));
      default:
        throw new Error(choice);
    }
  }
}
