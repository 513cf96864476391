/**
 * One record: its properties with their history, and its associations grouped by object
 * type and association type (label), Primary first and marked, each group paged.
 */
import { useState } from 'preact/hooks';
import { touched, useFollow } from '../activity.js';
import { api, type GroupPage, type RecordDetail } from '../api.js';
import { Badge, ErrorBox, formatNumber, formatTime, Loading, typeColor, useLoad } from '../load.js';
import { href } from '../router.js';

type Group = RecordDetail['associations'][number]['groups'][number];

function GroupList({
  portalId,
  id,
  toType,
  group,
}: {
  portalId: number;
  id: string;
  toType: string;
  group: Group;
}) {
  const [pages, setPages] = useState<GroupPage[]>([group.page]);
  const [error, setError] = useState<Error>();
  const last = pages[pages.length - 1]!;
  const records = pages.flatMap((p) => p.results);
  const title = group.label ?? (group.unlabeled ? 'Unlabeled' : group.name);
  return (
    <div class="group" data-testid={`group-${toType}-${group.category}-${group.typeId}`}>
      <h4>
        {group.primary && <Badge kind="primary">Primary</Badge>} {title}{' '}
        <span class="muted">
          {formatNumber(group.count)} · {group.category} {group.typeId}
        </span>
      </h4>
      <ul class="chips">
        {records.map((r) => (
          <li key={r.id}>
            <a href={href.record(portalId, r.id)}>
              {r.name} <span class="muted">#{r.id}</span>
            </a>
          </li>
        ))}
      </ul>
      {last.after && (
        <button
          onClick={() =>
            api.group(portalId, id, toType, group.category, group.typeId, last.after!).then(
              (page) => setPages([...pages, page]),
              (e: Error) => setError(e),
            )
          }
        >
          Show more ({formatNumber(group.count - records.length)} left)
        </button>
      )}
      <ErrorBox error={error} />
    </div>
  );
}

function Property({ property }: { property: RecordDetail['properties'][number] }) {
  const [open, setOpen] = useState(false);
  const changes = property.history.length;
  return (
    <>
      <tr>
        <th scope="row">{property.name}</th>
        <td class="value">{property.value ?? <span class="muted">null</span>}</td>
        <td>
          {changes > 0 && (
            <button class="link" aria-expanded={open} onClick={() => setOpen(!open)}>
              {changes} {changes === 1 ? 'value' : 'values'}
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr class="history">
          <td colSpan={3}>
            <ol>
              {property.history.map((h, i) => (
                <li key={i}>
                  <code>{h.value ?? 'null'}</code>{' '}
                  <span class="muted">
                    {formatTime(h.timestamp)} · {h.sourceType}
                  </span>
                </li>
              ))}
            </ol>
          </td>
        </tr>
      )}
    </>
  );
}

export function RecordView({ portalId, id }: { portalId: number; id: string }) {
  const record = useLoad(() => api.record(portalId, id), [portalId, id]);
  const changes = useFollow(portalId, (event) => touched(event).includes(id), record.reload);
  const r = record.data;
  return (
    <div>
      <ErrorBox error={record.error} />
      <Loading when={record.loading && !r} />
      {r && (
        <>
          <h1>
            <span class="dot" style={{ background: typeColor(r.objectTypeId) }} /> {r.name}{' '}
            <span class="muted">
              {r.typeName} #{r.id}
            </span>{' '}
            {r.archived && <Badge kind="archived">archived</Badge>}
          </h1>
          <p class="row">
            <a class="button" href={href.graph(portalId, r.id)}>
              Graph of its associations
            </a>{' '}
            <a class="button" href={href.records(portalId, r.typeName)}>
              All {r.typeName}
            </a>{' '}
            <span class="muted">
              created {formatTime(r.createdAt)} · updated {formatTime(r.updatedAt)}
              {changes > 0 && ` · ${changes} live change${changes === 1 ? '' : 's'} followed`}
            </span>
          </p>
          <div class="columns">
            <section aria-labelledby="props-title">
              <h2 id="props-title">Properties</h2>
              <table class="table props" data-testid="properties">
                <tbody>
                  {r.properties.map((p) => (
                    <Property key={p.name} property={p} />
                  ))}
                </tbody>
              </table>
            </section>
            <section aria-labelledby="assoc-title">
              <h2 id="assoc-title">Associations</h2>
              {r.associations.length === 0 && <p class="muted">None.</p>}
              {r.associations.map((t) => (
                <section key={t.toObjectTypeId} class="assoc-type" data-testid={`assoc-${t.toTypeName}`}>
                  <h3>
                    <span class="dot" style={{ background: typeColor(t.toObjectTypeId) }} />
                    {t.toTypeName} <span class="count">{formatNumber(t.records)}</span>
                  </h3>
                  {t.groups.map((g) => (
                    <GroupList
                      key={`${g.category}-${g.typeId}-${g.count}-${g.page.results.map((x) => x.id).join(',')}`}
                      portalId={portalId}
                      id={r.id}
                      toType={t.toTypeName}
                      group={g}
                    />
                  ))}
                </section>
              ))}
            </section>
          </div>
        </>
      )}
    </div>
  );
}
