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

/**
 * The searchable properties that hold phone numbers: besides their words, the index keeps
 * their digits without formatting, and without the country code when the number starts
 * with `+` and a space follows it, as HubSpot's `hs_searchable_calculated_*` properties hold
 * the area code and local number (decision D80).
 */
export const PHONE_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  '0-1': ['phone', 'mobilephone', 'fax'],
  '0-2': ['phone'],
};

/** What a phone number's formatting is made of: taken out to leave its digits. */
const PHONE_FORMATTING = [' ', '-', '(', ')', '.', '+', '/'];

const quote = (s: string) => `'${s.replace(/'/g, "''")}'`;

/**
 * SQL for a phone number's digits, then a space and its digits after the country code when
 * it has one (`+1 (617) 555-0100`: `16175550100 6175550100`). `position` is the dialect's
 * `instr`/`strpos` (both take the text first). The same on both stores, and as phoneDigits.
 */
export function phoneDigitsSql(value: string, position: 'instr' | 'strpos'): string {
  const digits = (x: string) => PHONE_FORMATTING.reduce((e, ch) => `replace(${e}, ${quote(ch)}, '')`, x);
  const trimmed = `ltrim(${value})`;
  const space = `${position}(${trimmed}, ' ')`;
  const national = `CASE WHEN ${trimmed} LIKE '+%' AND ${space} > 0 THEN ${digits(`substr(${trimmed}, ${space} + 1)`)} END`;
  return `${digits(value)} || coalesce(' ' || ${national}, '')`;
}

const PHONE_QUERY = /^[\d\s\-().+/]+$/;

/**
 * A `query` that is a phone number (digits and formatting only) also matches by its digits,
 * with and without a leading `+` country code, as the index holds phone numbers.
 */
export function phoneDigits(query: string): string[] {
  const text = query.trim();
  if (!PHONE_QUERY.test(text) || !/\d/.test(text)) return [];
  const strip = (x: string) => x.replace(/\D/g, '');
  const space = text.indexOf(' ');
  const national = text.startsWith('+') && space > 0 ? strip(text.slice(space + 1)) : '';
  return [...new Set([strip(text), national])].filter((d) => d !== '');
}

/**
 * `(type = '0-1' AND key IN (...)) OR ...`: the key/value pairs of a record that are indexed
 * (`phone`: only those holding phone numbers).
 */
export function searchableKeyCondition(typeColumn: string, keyColumn: string, only?: 'phone'): string {
  return Object.entries(only ? PHONE_PROPERTIES : SEARCHABLE_PROPERTIES)
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
