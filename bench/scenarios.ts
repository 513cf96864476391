/**
 * The benchmark's scenarios: the data each needs (made through Spoke's API, as a user
 * would), and the requests autocannon sends. Write scenarios never repeat a pair: a shared
 * counter walks a 2,000 × 2,000 grid of contacts and companies.
 */
import autocannon from 'autocannon';

export const TOKEN = 'bench-token';
const AUTH = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

export interface Fixture {
  contacts: string[];
  companies: string[];
  /** A company with 1,000 associated contacts. */
  listCompany: string;
  /** 1,000 contacts, each associated with listCompany. */
  readContacts: string[];
  labelTypeId: number;
}

async function call(base: string, method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: AUTH,
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (response.status >= 300)
    throw new Error(`${method} ${path} → ${response.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : undefined;
}

export async function createRecords(
  base: string,
  type: string,
  count: number,
  properties: (i: number) => object,
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < count; start += 100) {
    const inputs = Array.from({ length: Math.min(100, count - start) }, (_, i) => ({
      properties: properties(start + i),
    }));
    const created = await call(base, 'POST', `/crm/v3/objects/${type}/batch/create`, { inputs });
    ids.push(...created.results.map((r: { id: string }) => r.id));
  }
  return ids;
}

export async function associateDefault(
  base: string,
  from: string,
  to: string,
  pairs: Array<[string, string]>,
): Promise<void> {
  for (let start = 0; start < pairs.length; start += 2000) {
    const inputs = pairs.slice(start, start + 2000).map(([a, b]) => ({ from: { id: a }, to: { id: b } }));
    const result = await call(base, 'POST', `/crm/v4/associations/${from}/${to}/batch/associate/default`, {
      inputs,
    });
    if (result.numErrors) throw new Error(`batch/associate/default: ${JSON.stringify(result.errors[0])}`);
  }
}

export async function prepare(base: string): Promise<Fixture> {
  const contacts = await createRecords(base, 'contacts', 2000, (i) => ({
    email: `c${i}@bench.example`,
    firstname: `C${i}`,
  }));
  const companies = await createRecords(base, 'companies', 2000, (i) => ({ name: `Company ${i}` }));
  const label = await call(base, 'POST', '/crm/v4/associations/contacts/companies/labels', {
    label: 'Bench',
    name: 'bench',
  });
  const listContacts = await createRecords(base, 'contacts', 1000, (i) => ({ email: `l${i}@bench.example` }));
  const [listCompany] = await createRecords(base, 'companies', 1, () => ({ name: 'Listed' }));
  await associateDefault(
    base,
    'companies',
    'contacts',
    listContacts.map((c) => [listCompany!, c]),
  );
  return {
    contacts,
    companies,
    listCompany: listCompany!,
    readContacts: listContacts,
    labelTypeId: label.results[0].typeId,
  };
}

/** Hands out pairs nobody has used, across every write scenario of a run. */
export class PairCounter {
  #next = 0;
  constructor(private readonly fixture: Fixture) {}
  next(): [string, string] {
    const n = this.#next++;
    const { contacts, companies } = this.fixture;
    return [contacts[n % contacts.length]!, companies[Math.floor(n / contacts.length) % companies.length]!];
  }
}

export interface Scenario {
  readonly name: string;
  /** Units of work per request, for scenarios reported as items per second. */
  readonly perRequest?: number;
  readonly unit?: string;
  request(fixture: Fixture, pairs: PairCounter, counter: { n: number }): autocannon.Request;
}

/** POST batch/create with 2,000 new contact → company pairs, each with the one type `spec` names. */
function batchCreate(name: string, spec: (f: Fixture) => string): Scenario {
  return {
    name,
    perRequest: 2000,
    unit: 'associations/s',
    request: (f, pairs) => ({
      method: 'POST',
      path: '/crm/v4/associations/contacts/companies/batch/create',
      setupRequest: (req) => {
        const types = `[${spec(f)}]`;
        const inputs = Array.from({ length: 2000 }, () => {
          const [contact, company] = pairs.next();
          return `{"from":{"id":"${contact}"},"to":{"id":"${company}"},"types":${types}}`;
        });
        return { ...req, body: `{"inputs":[${inputs.join(',')}]}` };
      },
    }),
  };
}

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'PUT default (new pair)',
    request: (_f, pairs) => ({
      method: 'PUT',
      setupRequest: (req) => {
        const [contact, company] = pairs.next();
        return {
          ...req,
          path: `/crm/v4/objects/contacts/${contact}/associations/default/companies/${company}`,
        };
      },
    }),
  },
  {
    name: 'PUT labeled (new pair)',
    request: (f, pairs) => ({
      method: 'PUT',
      body: JSON.stringify([{ associationCategory: 'USER_DEFINED', associationTypeId: f.labelTypeId }]),
      setupRequest: (req) => {
        const [contact, company] = pairs.next();
        return { ...req, path: `/crm/v4/objects/contacts/${contact}/associations/companies/${company}` };
      },
    }),
  },
  {
    name: 'GET list, page of 100',
    request: (f) => ({
      method: 'GET',
      path: `/crm/v4/objects/companies/${f.listCompany}/associations/contacts?limit=100`,
    }),
  },
  {
    name: 'GET list, page of 500',
    request: (f) => ({
      method: 'GET',
      path: `/crm/v4/objects/companies/${f.listCompany}/associations/contacts?limit=500`,
    }),
  },
  batchCreate(
    'batch create, 2,000 pairs',
    () => '{"associationCategory":"HUBSPOT_DEFINED","associationTypeId":279}',
  ),
  // A label is written with the unlabeled type in both directions: four rows per pair, not two.
  batchCreate(
    'batch create, 2,000 labeled pairs',
    (f) => `{"associationCategory":"USER_DEFINED","associationTypeId":${f.labelTypeId}}`,
  ),
  {
    name: 'batch read, 1,000 records',
    perRequest: 1000,
    unit: 'records/s',
    request: (f) => ({
      method: 'POST',
      path: '/crm/v4/associations/contacts/companies/batch/read',
      body: JSON.stringify({ inputs: f.readContacts.map((id) => ({ id })) }),
    }),
  },
  {
    name: 'object create',
    request: (_f, _pairs, counter) => ({
      method: 'POST',
      path: '/crm/v3/objects/contacts',
      setupRequest: (req) => ({
        ...req,
        body: `{"properties":{"email":"new${counter.n++}@bench.example","firstname":"Bench"}}`,
      }),
    }),
  },
];

export interface Measurement {
  readonly requestsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly requests: number;
}

export async function measure(
  urls: readonly string[],
  request: autocannon.Request,
  options: { duration: number; connections: number; amount?: number },
): Promise<Measurement> {
  const result = await autocannon({
    url: urls.length === 1 ? urls[0]! : [...urls],
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration }),
    headers: AUTH,
    requests: [request],
  } as autocannon.Options);
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    requests: result.requests.total,
  };
}
