/**
 * Records of one object type: a page at a time with their properties, a type picker with
 * counts, and the search box (search.ts).
 */
import { useState } from 'preact/hooks';
import { touched, useFollow } from '../activity.js';
import { api } from '../api.js';
import { ErrorBox, formatNumber, Loading, typeColor, useLoad } from '../load.js';
import { href, navigate } from '../router.js';
import { search } from '../search.js';

const HIDDEN = new Set(['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_lastmodifieddate']);

/** The property columns worth showing: the most common ones on the page, at most six. */
function columnsOf(rows: ReadonlyArray<{ properties: Record<string, string | null> }>): string[] {
  const counts = new Map<string, number>();
  for (const row of rows)
    for (const [name, value] of Object.entries(row.properties))
      if (!HIDDEN.has(name) && value !== null && value !== '') counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 6)
    .map(([name]) => name);
}

function SearchResults({
  portalId,
  type,
  query,
  token,
}: {
  portalId: number;
  type: string;
  query: string;
  token: string | null;
}) {
  const [after, setAfter] = useState<string | undefined>();
  const result = useLoad(
    () => search(portalId, token, type, query, after),
    [portalId, type, query, token, after],
  );
  const hits = result.data?.hits ?? [];
  const columns = columnsOf(hits);
  return (
    <section aria-labelledby="search-title" data-testid="search-results">
      <h2 id="search-title">
        Search “{query}”{' '}
        {result.data && (
          <span class="muted">
            — {formatNumber(result.data.total)} found ({result.data.how})
          </span>
        )}
      </h2>
      {result.data?.note && <p class="note">{result.data.note}</p>}
      <ErrorBox error={result.error} />
      <Loading when={result.loading} />
      {hits.length > 0 && (
        <table class="table">
          <thead>
            <tr>
              <th>ID</th>
              {columns.map((c) => (
                <th key={c}>{c}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {hits.map((hit) => (
              <tr key={hit.id}>
                <td>
                  <a href={href.record(portalId, hit.id)}>{hit.id}</a>
                </td>
                {columns.map((c) => (
                  <td key={c}>{hit.properties[c] ?? ''}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {result.data?.after && <button onClick={() => setAfter(result.data!.after)}>Next results</button>}
    </section>
  );
}

export function RecordsView({ portalId, type, query }: { portalId: number; type: string; query: string }) {
  const [cursors, setCursors] = useState<string[]>([]);
  // The route keys this view (app.tsx), so a new type or query mounts it afresh.
  const [text, setText] = useState(query);
  const after = cursors[cursors.length - 1];
  const portal = useLoad(() => api.portal(portalId), [portalId]);
  const page = useLoad(() => api.records(portalId, type, after), [portalId, type, after]);
  const ids = new Set(page.data?.results.map((r) => r.id));
  useFollow(
    portalId,
    (event) => touched(event).some((id) => ids.has(id)) || page.data?.after === undefined,
    () => {
      page.reload();
      portal.reload();
    },
  );
  const rows = page.data?.results ?? [];
  const columns = columnsOf(rows);
  const start = cursors.length * 25;
  return (
    <div>
      <h1>
        Records <span class="muted">portal {portalId}</span>
      </h1>
      <nav class="tabs" aria-label="Object types">
        {(portal.data?.objectTypes ?? []).map((t) => (
          <a
            key={t.objectTypeId}
            href={href.records(portalId, t.name)}
            aria-current={t.name === type || t.objectTypeId === type ? 'page' : undefined}
          >
            <span class="dot" style={{ background: typeColor(t.objectTypeId) }} />
            {t.name} <span class="count">{formatNumber(t.live)}</span>
          </a>
        ))}
      </nav>
      <form
        class="row search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(href.records(portalId, type, text.trim()));
        }}
      >
        <label>
          Search {type}{' '}
          <input
            type="search"
            name="q"
            value={text}
            placeholder="ID, email, or words"
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
        </label>{' '}
        <button type="submit">Search</button>
        {query && (
          <a class="button" href={href.records(portalId, type)}>
            Clear
          </a>
        )}
      </form>
      {query ? (
        <SearchResults portalId={portalId} type={type} query={query} token={portal.data?.apiToken ?? null} />
      ) : (
        <section aria-labelledby="list-title">
          <h2 id="list-title" class="sr-only">
            {type}
          </h2>
          <ErrorBox error={page.error} />
          <p class="muted" data-testid="range">
            {page.data &&
              (rows.length === 0
                ? `No ${type} yet.`
                : `${formatNumber(start + 1)}–${formatNumber(start + rows.length)} of ${formatNumber(page.data.total)}`)}
          </p>
          {rows.length > 0 && (
            <div class="scroll">
              <table class="table" data-testid="records">
                <thead>
                  <tr>
                    <th>ID</th>
                    <th>Name</th>
                    {columns.map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                    <th>Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.id}>
                      <td>
                        <a href={href.record(portalId, row.id)}>{row.id}</a>
                      </td>
                      <td>{row.name}</td>
                      {columns.map((c) => (
                        <td key={c}>{row.properties[c] ?? ''}</td>
                      ))}
                      <td class="nowrap">
                        {new Date(row.updatedAt).toISOString().slice(0, 19).replace('T', ' ')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <div class="row">
            <button disabled={cursors.length === 0} onClick={() => setCursors(cursors.slice(0, -1))}>
              Previous
            </button>{' '}
            <button disabled={!page.data?.after} onClick={() => setCursors([...cursors, page.data!.after!])}>
              Next
            </button>
          </div>
          <Loading when={page.loading && !page.data} />
        </section>
      )}
    </div>
  );
}
