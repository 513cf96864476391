/**
 * Reading a portal export document back (`spoke import`, `POST /_spoke/portals/{id}/import`)
 * as a stream. The document is parsed as it arrives and written a chunk at a time inside
 * the import's one transaction, so memory holds a chunk of rows plus one small entry per
 * record (its ID and type, to check associations) and per unique value, never the document
 * itself. In the order `spoke export` writes (head, then records, then associations) nothing
 * waits; a hand-written document in another order is read too, and what arrives before the
 * part it depends on waits in memory until that part has been read.
 *
 * Every check of the document format (see portal-export.ts) happens here; what only the
 * whole portal can tell (an association without its inverse, a count over a limit) is the
 * integrity check's job, which the caller runs before committing.
 */
import { JSONParser } from '@streamparser/json';
import type { StoreTransaction } from '../../store/store.js';
import { ValidationError } from '../errors.js';
import { fail } from './import-checks.js';
import { elementOf, TopLevelArrays, type Element } from './import-document-shape.js';
import type { RecordValidator } from '../catalog/record-validator.js';
import { ImportWriter, REQUIRED_ARRAYS, type ImportCounts } from './import-writer.js';
import type { Progress } from './portal-export.js';
import { readAppDocuments, writeAppDocuments } from '../webhooks/app-documents.js';
import { captureBaseline, reportRemovals } from '../webhooks/import-diff.js';

export type { ImportCounts } from './import-writer.js';

/** Top-level keys whose whole value the importer reads at once: small, or needed first. */
const HEAD = [
  'format',
  'version',
  'portalId',
  'exportedAt',
  'counters',
  'schemas',
  'labels',
  'limits',
  'apps',
  'settings',
  'catalog',
];

/**
 * Replaces a portal's data with the document read from `chunks`, inside the caller's
 * transaction. Throws a ValidationError naming the first problem; the caller's rollback
 * then undoes every write made so far.
 */
export async function importPortalDocument(
  tx: StoreTransaction,
  portalId: number,
  chunks: AsyncIterable<Uint8Array | string>,
  /** Checks the records against the imported catalog; `now` times what lenient mode makes. */
  validator: RecordValidator,
  now: number,
  progress?: Progress,
): Promise<ImportCounts> {
  const writer = new ImportWriter(tx, portalId, validator, now, progress);
  // The webhook apps, when the document has them, replace the portal's as they are read
  // (before the records, in an export's order): the old apps hear nothing of the import.
  const write = async (element: Element) => {
    if (element.section !== 'apps' || element.item) return writer.element(element, structure);
    await writeAppDocuments(tx.webhooks, portalId, readAppDocuments(element.value, '"apps"'), now, 'replace');
  };
  await captureBaseline(tx, portalId);
  await tx.resetPortal(portalId);
  const queue: Element[] = [];
  const structure = new TopLevelArrays();
  const parser = new JSONParser({
    paths: HEAD.map((key) => `$.${key}`).concat('$.records.*', '$.associations.*', '$.fixtureKeys'),
    keepStack: false,
  });
  parser.onToken = (token) => structure.observe(token.token, token.value);
  // The parser reuses its stack: what the writer needs is copied out when a value is emitted.
  parser.onValue = (element) => void queue.push(elementOf(element));
  parser.onError = (error) => {
    throw error;
  };
  const parse = (chunk: Uint8Array | string) => {
    try {
      if (!parser.isEnded) parser.write(chunk);
      else if (String(chunk).trim() !== '') fail('there is more after the end of the document');
    } catch (error) {
      if (error instanceof ValidationError) throw error;
      fail(`not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
  };
  for await (const chunk of chunks) {
    parse(chunk);
    // Written before the next chunk is parsed: memory holds one chunk's values.
    for (const element of queue.splice(0)) await write(element);
  }
  if (!parser.isEnded) fail('the document ends too early');
  for (const element of queue.splice(0)) await write(element);
  writer.requireFormat();
  for (const key of REQUIRED_ARRAYS) if (!structure.arrays.has(key)) fail(`"${key}" must be an array`);
  const counts = await writer.finish();
  await reportRemovals(tx, portalId);
  return counts;
}
