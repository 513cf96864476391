/**
 * Portals: every portal with its record and association counts, and one portal in detail
 * with its object types, snapshots, and the reset, snapshot and restore actions.
 */
import { useState } from 'preact/hooks';
import { useFollow } from '../activity.js';
import { api, type PortalCounts, type PortalDetail } from '../api.js';
import { ErrorBox, formatNumber, formatTime, Loading, typeColor, useLoad } from '../load.js';
import { href } from '../router.js';

function mask(token: string): string {
  return token.length > 12 ? `${token.slice(0, 8)}…` : token;
}

/** A button that asks once more before it acts. */
function ConfirmButton({
  label,
  confirm,
  onConfirm,
}: {
  label: string;
  confirm: string;
  onConfirm: () => void;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) return <button onClick={() => setAsking(true)}>{label}</button>;
  return (
    <span class="confirm" role="group" aria-label={confirm}>
      <span>{confirm}</span>{' '}
      <button
        class="danger"
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        Yes, {label.toLowerCase()}
      </button>{' '}
      <button onClick={() => setAsking(false)}>Cancel</button>
    </span>
  );
}

function PortalPanel({ portal, onChanged }: { portal: PortalDetail; onChanged: () => void }) {
  const [name, setName] = useState('');
  const [message, setMessage] = useState<string>();
  const [error, setError] = useState<Error>();
  const act = (what: string, action: () => Promise<unknown>) => {
    setError(undefined);
    action().then(
      () => {
        setMessage(what);
        onChanged();
      },
      (e: Error) => setError(e),
    );
  };
  return (
    <section class="panel" aria-labelledby="portal-detail">
      <h2 id="portal-detail">Portal {portal.portalId}</h2>
      <dl class="facts">
        <div>
          <dt>Records</dt>
          <dd data-testid="detail-records">{formatNumber(portal.records)}</dd>
        </div>
        <div>
          <dt>Associated pairs</dt>
          <dd data-testid="detail-pairs">{formatNumber(portal.associatedPairs)}</dd>
        </div>
        <div>
          <dt>Association rows</dt>
          <dd>{formatNumber(portal.associationRows)}</dd>
        </div>
        <div>
          <dt>Labels / limits</dt>
          <dd>
            <a href={href.labels(portal.portalId)}>
              {portal.labels} / {portal.limits}
            </a>
          </dd>
        </div>
      </dl>
      <h3>Object types</h3>
      <ul class="types">
        {portal.objectTypes.map((t) => (
          <li key={t.objectTypeId}>
            <a href={href.records(portal.portalId, t.name)} data-testid={`type-${t.name}`}>
              <span class="dot" style={{ background: typeColor(t.objectTypeId) }} />
              {t.name} <strong>{formatNumber(t.live)}</strong>
              {t.archived > 0 && <span class="muted"> (+{formatNumber(t.archived)} archived)</span>}
            </a>
          </li>
        ))}
      </ul>
      <h3>Snapshots</h3>
      {portal.snapshots.length === 0 ? (
        <p class="muted">No snapshots yet.</p>
      ) : (
        <table class="table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Taken</th>
              <th class="num">Records</th>
              <th class="num">Rows</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {portal.snapshots.map((s) => (
              <tr key={s.name} data-testid={`snapshot-${s.name}`}>
                <td>{s.name}</td>
                <td>{formatTime(s.createdAt)}</td>
                <td class="num">{formatNumber(s.records)}</td>
                <td class="num">{formatNumber(s.associations)}</td>
                <td>
                  <ConfirmButton
                    label="Restore"
                    confirm={`Replace portal ${portal.portalId}'s data with "${s.name}"?`}
                    onConfirm={() => act(`Restored "${s.name}"`, () => api.restore(portal.portalId, s.name))}
                  />{' '}
                  <button
                    onClick={() =>
                      act(`Deleted "${s.name}"`, () => api.deleteSnapshot(portal.portalId, s.name))
                    }
                  >
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        class="row"
        onSubmit={(e) => {
          e.preventDefault();
          const snapshotName = name.trim();
          if (snapshotName)
            act(`Saved snapshot "${snapshotName}"`, () => api.snapshot(portal.portalId, snapshotName));
          setName('');
        }}
      >
        <label>
          Snapshot name{' '}
          <input
            name="snapshot"
            value={name}
            pattern="[A-Za-z0-9][A-Za-z0-9_.\-]{0,99}"
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </label>{' '}
        <button type="submit">Take snapshot</button>
      </form>
      <div class="row">
        <ConfirmButton
          label="Reset"
          confirm={`Empty portal ${portal.portalId}: records, associations, labels, limits?`}
          onConfirm={() => act(`Portal ${portal.portalId} reset`, () => api.resetPortal(portal.portalId))}
        />
      </div>
      {message && (
        <p class="ok" role="status">
          {message}
        </p>
      )}
      <ErrorBox error={error} />
    </section>
  );
}

export function PortalsView() {
  const [selected, setSelected] = useState<number | null>(null);
  const list = useLoad(() => api.overview(), []);
  const chosen =
    selected ?? list.data?.results.find((p) => p.records > 0)?.portalId ?? list.data?.results[0]?.portalId;
  const detail = useLoad(
    () => (chosen === undefined ? Promise.resolve(undefined) : api.portal(chosen)),
    [chosen],
  );
  const reload = () => {
    list.reload();
    detail.reload();
  };
  // Counting a large portal takes a moment of the database: not more than every 3 s.
  useFollow(null, () => true, reload, { quietMs: 1000, maxWaitMs: 3000 });
  const portals: PortalCounts[] = list.data?.results ?? [];
  return (
    <div class="portals">
      <section aria-labelledby="portals-title">
        <h1 id="portals-title">Portals</h1>
        <ErrorBox error={list.error} />
        <table class="table" data-testid="portals">
          <thead>
            <tr>
              <th>Portal</th>
              <th class="num">Records</th>
              <th class="num">Association rows</th>
              <th>Tokens</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {portals.map((p) => (
              <tr key={p.portalId} aria-selected={p.portalId === chosen} data-testid={`portal-${p.portalId}`}>
                <td>
                  <button class="link" onClick={() => setSelected(p.portalId)}>
                    {p.portalId}
                  </button>
                </td>
                <td class="num" data-testid="records">
                  {formatNumber(p.records)}
                </td>
                <td class="num" data-testid="associations">
                  {formatNumber(p.associationRows)}
                </td>
                <td class="tokens">
                  {p.tokens.length === 0 ? (
                    <span class="muted">any (open)</span>
                  ) : (
                    p.tokens.map(mask).join(', ')
                  )}
                </td>
                <td>
                  <a href={href.records(p.portalId, 'contacts')}>Records</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <Loading when={list.loading && !list.data} />
      </section>
      {detail.data && <PortalPanel portal={detail.data} onChanged={reload} />}
      <ErrorBox error={detail.error} />
    </div>
  );
}
