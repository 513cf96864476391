/**
 * The shell: a header with the views, the admin token form when the server asks for one,
 * the current view, and the live activity panel beside it on wide screens.
 */
import { useEffect, useState } from 'preact/hooks';
import { activity, useFeedStatus } from './activity.js';
import { adminToken } from './api.js';
import { href, useRoute, type Route } from './router.js';
import { ActivityView } from './views/activity-view.js';
import { GraphView } from './views/graph-view.js';
import { LabelsView } from './views/labels-view.js';
import { PortalsView } from './views/portals-view.js';
import { RecordView } from './views/record-view.js';
import { RecordsView } from './views/records-view.js';

/** The portal the header's links point at: the route's, or the last one visited. */
function usePortal(route: Route): number | null {
  const [portalId, setPortalId] = useState<number | null>(null);
  const routed = 'portalId' in route ? route.portalId : null;
  useEffect(() => {
    if (routed !== null) setPortalId(routed);
  }, [routed]);
  return routed ?? portalId;
}

function TokenForm() {
  const [value, setValue] = useState('');
  return (
    <form
      class="token-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (value.trim()) adminToken.set(value.trim());
      }}
    >
      <h2>Admin token</h2>
      <p>
        This Spoke protects its admin API. Enter the admin token: the one given with{' '}
        <code>--admin-token</code>, or the one Spoke wrote to <code>admin-token</code> next to its database (
        <code>./data/admin-token</code> by default). It is kept for this browser tab only.
      </p>
      <label>
        Token{' '}
        <input
          type="password"
          autocomplete="off"
          value={value}
          onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        />
      </label>{' '}
      <button type="submit">Use token</button>
    </form>
  );
}

function View({ route }: { route: Route }) {
  switch (route.view) {
    case 'portals':
      return <PortalsView />;
    case 'records':
      // Keyed by the route: a new type or query starts with fresh state (the search box's text
      // among it) in the same render, so nothing typed right after the switch is reset later.
      return (
        <RecordsView
          key={`${route.portalId}|${route.type}|${route.query}`}
          portalId={route.portalId}
          type={route.type}
          query={route.query}
        />
      );
    case 'record':
      return <RecordView portalId={route.portalId} id={route.id} />;
    case 'graph':
      return <GraphView portalId={route.portalId} id={route.id} />;
    case 'labels':
      return <LabelsView portalId={route.portalId} />;
    case 'activity':
      return <ActivityView full />;
  }
}

export function App() {
  const route = useRoute();
  const portalId = usePortal(route);
  const feed = useFeedStatus();
  const [needsToken, setNeedsToken] = useState(false);
  const [, setTokenVersion] = useState(0);

  useEffect(() => {
    activity.start();
    const offRequired = adminToken.onRequired(() => setNeedsToken(true));
    const off = adminToken.onChange(() => {
      setNeedsToken(false);
      setTokenVersion((v) => v + 1);
    });
    return () => {
      offRequired();
      off();
    };
  }, []);
  useEffect(() => {
    if (feed === 'needs-token') setNeedsToken(true);
  }, [feed]);

  const current = route.view;
  const link = (to: string, label: string, active: boolean) => (
    <a href={to} aria-current={active ? 'page' : undefined}>
      {label}
    </a>
  );
  return (
    <>
      {/* Not href="#main": the hash is the route. */}
      <button
        class="skip"
        onClick={() => {
          const main = document.getElementById('main');
          main?.focus();
          main?.scrollIntoView();
        }}
      >
        Skip to content
      </button>
      <header class="top">
        <a class="brand" href={href.portals()}>
          Spoke
        </a>
        <nav aria-label="Views">
          {link(href.portals(), 'Portals', current === 'portals')}
          {portalId !== null &&
            link(
              href.records(portalId, 'contacts'),
              'Records',
              current === 'records' || current === 'record' || current === 'graph',
            )}
          {portalId !== null && link(href.labels(portalId), 'Labels & limits', current === 'labels')}
          {link(href.activity(), 'Activity', current === 'activity')}
        </nav>
        <span class={`feed feed-${feed}`} title="Live activity feed" aria-live="polite">
          {feed === 'live' ? 'live' : feed === 'needs-token' ? 'token needed' : feed}
        </span>
        {portalId !== null && <span class="portal-chip">portal {portalId}</span>}
      </header>
      <div class={`layout ${current === 'activity' ? 'layout-full' : ''}`}>
        <main id="main" tabIndex={-1}>
          {needsToken ? <TokenForm /> : <View route={route} />}
        </main>
        {current !== 'activity' && !needsToken && (
          <aside class="side" aria-label="Live activity">
            <ActivityView />
          </aside>
        )}
      </div>
    </>
  );
}
