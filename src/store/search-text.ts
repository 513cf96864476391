/**
 * The text a search `query` runs over: each standard object's default searchable properties
 * (HubSpot's "Search the CRM" guide; docs/decisions.md, "Search"), indexed in the database so that a
 * one-token query on a million records reads an index, not every record. SQLite keeps the
 * words in an FTS5 table filled by triggers; PostgreSQL keeps a GIN index on an immutable
 * function of the record. Both split text into runs of letters and digits, lower-cased, and
 * a query matches every run, the last of each word by prefix. Custom objects' searchable properties come from their
 * schemas, which the index cannot know; their `query` is a substring match (search-sql.ts).
 */
export const SEARCHABLE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  '0-1': [
    'firstname',
    'lastname',
    'email',
    'phone',
    'hs_additional_emails',
    'fax',
    'mobilephone',
    'company',
    'hs_marketable_until_renewal',
  ],
  '0-2': ['website', 'phone', 'name', 'domain'],
  '0-3': ['dealname', 'pipeline', 'dealstage', 'description', 'dealtype'],
  '0-5': ['subject', 'content', 'hs_pipeline_stage', 'hs_ticket_category', 'hs_ticket_id'],
  '0-7': ['name', 'description', 'price', 'hs_sku'],
  '0-14': [
    'hs_sender_firstname',
    'hs_sender_lastname',
    'hs_proposal_slug',
    'hs_title',
    'hs_sender_company_name',
    'hs_sender_email',
    'hs_quote_number',
    'hs_public_url_key',
  ],
  '0-19': ['hs_submission_name', 'hs_content'],
  '0-27': ['hs_task_body', 'hs_task_subject'],
  '0-46': ['hs_note_body'],
  '0-47': ['hs_meeting_title', 'hs_meeting_body'],
  '0-48': ['hs_call_title', 'hs_body_preview'],
  '0-49': ['hs_email_subject'],
};

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** `(type = '0-1' AND key IN (...)) OR ...`: the key/value pairs of a record that are indexed. */
export function searchableKeyCondition(typeColumn: string, keyColumn: string): string {
  return Object.entries(SEARCHABLE_PROPERTIES)
    .map(
      ([type, keys]) =>
        `(${typeColumn} = ${quote(type)} AND ${keyColumn} IN (${keys.map(quote).join(', ')}))`,
    )
    .join('\n      OR ');
}

/** The words of a query: per whitespace-separated word, its runs of letters and digits, lower-cased. */
export function queryWords(query: string): string[][] {
  return query
    .toLowerCase()
    .split(/\s+/)
    .map((word) => word.split(/[^\p{L}\p{N}]+/u).filter((run) => run !== ''))
    .filter((runs) => runs.length > 0);
}
