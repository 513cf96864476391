/**
 * Builds a large portal through the domain (the same rules as the API, without HTTP): the
 * bench's scale shape, `contacts` × `companies` pairs with the default contact→company type,
 * plus a few deals and tickets so every view has something to show.
 *
 *   node --import tsx bench/large-portal.ts <sqlite file> [associations]   (default 1,000,000)
 */
import { rmSync } from 'node:fs';
import { createDomain, type Domain } from '../src/domain/services.js';
import { findStandardObjectType } from '../src/domain/object-types.js';
import { DEFAULT_PORTAL_ID } from '../src/domain/portals.js';
import { createStore } from '../src/store/create-store.js';

export interface LargePortal {
  readonly contacts: number[];
  readonly companies: number[];
  readonly associations: number;
}

const type = (name: string) => findStandardObjectType(name)!;

async function createMany(
  domain: Domain,
  typeName: string,
  count: number,
  properties: (i: number) => Record<string, string>,
): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < count; start += 100) {
    const inputs = [];
    for (let i = start; i < Math.min(start + 100, count); i++) inputs.push({ properties: properties(i) });
    const outcome = await domain.objects.batchCreate(DEFAULT_PORTAL_ID, type(typeName), inputs);
    if (outcome.errors.length > 0) throw outcome.errors[0];
    ids.push(...outcome.results.map((r) => Number(r.row.id)));
  }
  return ids;
}

/** Loads `associations` contact–company pairs (each pair is two stored rows). */
export async function loadLargePortal(domain: Domain, associations: number): Promise<LargePortal> {
  const side = Math.ceil(Math.sqrt(associations));
  const contacts = await createMany(domain, 'contacts', side, (i) => ({
    email: `person${i}@large.example`,
    firstname: `Person`,
    lastname: String(i),
  }));
  const companies = await createMany(domain, 'companies', side, (i) => ({
    name: `Company ${i}`,
    domain: `company${i}.example`,
  }));
  const deals = await createMany(domain, 'deals', 20, (i) => ({
    dealname: `Deal ${i}`,
    amount: String(1000 * (i + 1)),
    pipeline: 'default',
    dealstage: 'appointmentscheduled',
  }));
  await createMany(domain, 'tickets', 20, (i) => ({
    subject: `Ticket ${i}`,
    content: 'Large portal',
    hs_pipeline: '0',
    hs_pipeline_stage: '1',
  }));
  for (let start = 0; start < associations; start += 5000) {
    const inputs = [];
    for (let n = start; n < Math.min(start + 5000, associations); n++)
      inputs.push({ from: contacts[Math.floor(n / side)]!, to: companies[n % side]! });
    const outcome = await domain.associations.batchCreateDefault(
      DEFAULT_PORTAL_ID,
      type('contacts'),
      type('companies'),
      inputs,
    );
    if (outcome.errors.length > 0) throw outcome.errors[0];
  }
  const dealPairs = deals.map((deal, i) => ({ from: deal, to: companies[i]! }));
  await domain.associations.batchCreateDefault(
    DEFAULT_PORTAL_ID,
    type('deals'),
    type('companies'),
    dealPairs,
  );
  return { contacts, companies, associations };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, count] = process.argv.slice(2);
  if (!file) throw new Error('usage: bench/large-portal.ts <sqlite file> [associations]');
  rmSync(file, { force: true });
  const store = await createStore(file);
  const started = performance.now();
  const portal = await loadLargePortal(createDomain({ store }), Number(count ?? 1_000_000));
  await store.close();
  console.log(
    `${file}: ${portal.contacts.length} contacts, ${portal.companies.length} companies, ` +
      `${portal.associations} associations in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
