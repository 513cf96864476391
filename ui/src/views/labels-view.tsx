/**
 * Labels and limits: for each pair of object types the portal uses, labels or limits, every
 * association type with how many associations use it and, under a limit, how close the
 * records come to it (HubSpot's high-usage threshold is 80 %).
 */
import { useFollow } from '../activity.js';
import { api, type UsageReport } from '../api.js';
import { Badge, ErrorBox, formatNumber, Loading, useLoad } from '../load.js';
import { href } from '../router.js';

type TypeUsage = UsageReport['pairs'][number]['types'][number];

function UsageBar({ type }: { type: TypeUsage }) {
  if (type.limit === null) return <span class="muted">no limit</span>;
  const share = Math.min(1, type.maxPerRecord / type.limit);
  const level = type.atLimit > 0 ? 'full' : type.nearLimit > 0 ? 'near' : 'ok';
  return (
    <span class="usage">
      <meter
        min={0}
        max={type.limit}
        value={type.maxPerRecord}
        low={type.limit * 0.8 - 0.01}
        high={type.limit - 0.01}
        optimum={0}
      >
        {Math.round(share * 100)}%
      </meter>{' '}
      <span class={`usage-${level}`}>
        max {formatNumber(type.maxPerRecord)} / {formatNumber(type.limit)}
      </span>
    </span>
  );
}

export function LabelsView({ portalId }: { portalId: number }) {
  const report = useLoad(() => api.usage(portalId), [portalId]);
  // The usage scan reads every association of the portal: not more than every 5 s.
  useFollow(
    portalId,
    (event) => event.kind === 'change' || /associations|labels|configurations/.test(event.path),
    report.reload,
    { quietMs: 2000, maxWaitMs: 5000 },
  );
  const pairs = report.data?.pairs ?? [];
  return (
    <div>
      <h1>
        Labels &amp; limits <span class="muted">portal {portalId}</span>
      </h1>
      <p class="muted">
        Each direction between two object types that this portal uses, labels or limits. Usage counts
        associations of one direction; a limit caps how many records one record may have by that type.
      </p>
      <ErrorBox error={report.error} />
      <Loading when={report.loading && !report.data} />
      {report.data && pairs.length === 0 && <p>No associations, labels or limits yet.</p>}
      {pairs.map((pair) => (
        <section
          key={`${pair.fromObjectTypeId}-${pair.toObjectTypeId}`}
          class="pair"
          data-testid={`pair-${pair.fromTypeName}-${pair.toTypeName}`}
        >
          <h2>
            {pair.fromTypeName} → {pair.toTypeName}
          </h2>
          <div class="scroll">
            <table class="table">
              <thead>
                <tr>
                  <th>Type</th>
                  <th>ID</th>
                  <th class="num">Associations</th>
                  <th class="num">Records</th>
                  <th>Limit use</th>
                  <th class="num">≥ 80 %</th>
                  <th class="num">At limit</th>
                </tr>
              </thead>
              <tbody>
                {pair.types.map((t) => (
                  <tr key={`${t.category}-${t.typeId}`} data-testid={`type-${t.category}-${t.typeId}`}>
                    <td>
                      {t.primary && <Badge kind="primary">Primary</Badge>}{' '}
                      {t.label ?? (t.unlabeled ? 'Unlabeled' : t.name)}{' '}
                      {t.custom && <Badge kind="custom">label</Badge>}
                      <div class="muted small">{t.name}</div>
                    </td>
                    <td class="nowrap">
                      {t.category} {t.typeId}
                    </td>
                    <td class="num" data-testid="associations">
                      {formatNumber(t.associations)}
                    </td>
                    <td class="num">{formatNumber(t.records)}</td>
                    <td data-testid="limit">
                      <UsageBar type={t} />
                      {t.heaviest.length > 0 && (
                        <div class="small">
                          {t.heaviest.map((h) => (
                            <a key={h.id} href={href.record(portalId, h.id)} class="chip">
                              {h.name} ({formatNumber(h.count)})
                            </a>
                          ))}
                        </div>
                      )}
                    </td>
                    <td class="num">{t.limit === null ? '' : formatNumber(t.nearLimit)}</td>
                    <td class="num">{t.limit === null ? '' : formatNumber(t.atLimit)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </div>
  );
}
