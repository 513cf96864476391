/**
 * The live activity feed: requests (and, once the store publishes them, committed changes),
 * newest first, with links to the records a write touched. Beside every view as a panel,
 * and as a page of its own with filters.
 */
import { useState } from 'preact/hooks';
import { touched, useActivityLog } from '../activity.js';
import type { ActivityEvent } from '../api.js';
import { href } from '../router.js';

function statusClass(status: number): string {
  if (status >= 500) return 'status-5xx';
  if (status >= 400) return 'status-4xx';
  return 'status-2xx';
}

function Event({ event, full }: { event: ActivityEvent; full: boolean }) {
  const time = new Date(event.at).toISOString().slice(11, 23);
  const ids = touched(event);
  const portal = event.portalId;
  return (
    <li class={`event ${event.kind === 'request' && event.write ? 'write' : ''}`} data-seq={event.seq}>
      <span class="muted time">{time}</span>{' '}
      {event.kind === 'request' ? (
        <>
          <span class={`status ${statusClass(event.status)}`}>{event.status}</span>{' '}
          <strong>{event.method}</strong> <span class="path">{event.path}</span>
          {full && <span class="muted"> {event.durationMs} ms</span>}
        </>
      ) : (
        <>
          <strong>change</strong> {event.changes.map((c) => `${c.entity} ${c.action}`).join(', ')}
        </>
      )}
      {portal !== null && full && <span class="muted"> · portal {portal}</span>}
      {ids.length > 0 && portal !== null && (
        <span class="ids">
          {' '}
          {ids.slice(0, full ? 20 : 4).map((id) => (
            <a key={id} href={href.record(portal, id)} class="chip">
              {id}
            </a>
          ))}
          {(ids.length > (full ? 20 : 4) || (event.kind === 'request' && event.moreRecords)) && (
            <span class="muted">…</span>
          )}
        </span>
      )}
    </li>
  );
}

export function ActivityView({ full = false }: { full?: boolean }) {
  const { events, status, dropped } = useActivityLog();
  const [writesOnly, setWritesOnly] = useState(false);
  const [errorsOnly, setErrorsOnly] = useState(false);
  const [paused, setPaused] = useState<ActivityEvent[] | null>(null);
  const shown = (paused ?? events)
    .filter((e) => !writesOnly || e.kind === 'change' || e.write)
    .filter((e) => !errorsOnly || (e.kind === 'request' && e.status >= 400))
    .slice(-(full ? 500 : 60))
    .reverse();
  return (
    <section class={`activity ${full ? 'activity-full' : ''}`} aria-labelledby="activity-title">
      <h2 id="activity-title">
        Activity <span class={`feed feed-${status}`}>{status}</span>
      </h2>
      <div class="row small">
        <label>
          <input type="checkbox" checked={writesOnly} onChange={() => setWritesOnly(!writesOnly)} /> writes
        </label>{' '}
        <label>
          <input type="checkbox" checked={errorsOnly} onChange={() => setErrorsOnly(!errorsOnly)} /> errors
        </label>{' '}
        <button
          class="small"
          onClick={() => setPaused(paused ? null : [...events])}
          aria-pressed={paused !== null}
        >
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      {dropped > 0 && <p class="note">{dropped} events were dropped while this page could not keep up.</p>}
      {shown.length === 0 ? (
        <p class="muted">Nothing yet: requests to this Spoke show up here as they happen.</p>
      ) : (
        <ol class="events" data-testid={full ? 'activity-full' : 'activity'}>
          {shown.map((e) => (
            <Event key={e.seq} event={e} full={full} />
          ))}
        </ol>
      )}
    </section>
  );
}
