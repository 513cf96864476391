/**
 * A record's neighbourhood as a graph (Cytoscape.js, loaded only here). The server sends a
 * page of each type's neighbours and an aggregate for the rest ("+9,988 more contacts"), so
 * a record with 10,000 associations draws a few dozen nodes. Clicking a record expands it
 * (its own neighbours join the graph); clicking an aggregate loads its next page. The list
 * beside the canvas offers the same actions to the keyboard.
 */
import type { Core, ElementDefinition } from 'cytoscape';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { activity, touched, useFollow } from '../activity.js';
import { api, type Graph } from '../api.js';
import { ErrorBox, formatNumber, Loading, typeColor } from '../load.js';
import { href, navigate } from '../router.js';

type Node = Graph['nodes'][number];
type Edge = Graph['edges'][number];
type More = Graph['more'][number];

interface GraphState {
  readonly center: string;
  readonly nodes: Map<string, Node>;
  readonly edges: Map<string, Edge>;
  readonly more: Map<string, More>;
  readonly expanded: Set<string>;
}

const moreKey = (m: { from: string; toObjectTypeId: string }) => `${m.from}|${m.toObjectTypeId}`;
const edgeKey = (e: Edge) => `${e.source}|${e.target}`;

function emptyState(center: string): GraphState {
  return { center, nodes: new Map(), edges: new Map(), more: new Map(), expanded: new Set() };
}

/** Adds a page of graph to the state; `opened` is the aggregate that page came from. */
function merge(state: GraphState, graph: Graph, opened?: string): GraphState {
  const next: GraphState = {
    center: state.center,
    nodes: new Map(state.nodes),
    edges: new Map(state.edges),
    more: new Map(state.more),
    expanded: new Set(state.expanded),
  };
  for (const node of graph.nodes) if (!next.nodes.has(node.id)) next.nodes.set(node.id, node);
  for (const edge of graph.edges) {
    const known = next.edges.get(edgeKey(edge));
    next.edges.set(
      edgeKey(edge),
      known
        ? {
            ...edge,
            labels: [...new Set([...known.labels, ...edge.labels])],
            inverseLabels: [...new Set([...known.inverseLabels, ...edge.inverseLabels])],
            primary: known.primary || edge.primary,
          }
        : edge,
    );
  }
  if (opened) next.more.delete(opened);
  for (const more of graph.more) next.more.set(moreKey(more), more);
  return next;
}

/** Hops from the center, over the edges drawn. */
function distances(state: GraphState): Map<string, number> {
  const neighbours = new Map<string, string[]>();
  for (const e of state.edges.values()) {
    neighbours.set(e.source, [...(neighbours.get(e.source) ?? []), e.target]);
    neighbours.set(e.target, [...(neighbours.get(e.target) ?? []), e.source]);
  }
  const hops = new Map([[state.center, 0]]);
  const queue = [state.center];
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const n of neighbours.get(id) ?? []) {
      if (!hops.has(n)) {
        hops.set(n, hops.get(id)! + 1);
        queue.push(n);
      }
    }
  }
  return hops;
}

/** Primary, then the labels read from one side (the lower ID's, else the other's). */
function edgeLabel(edge: Edge): string {
  const labels = edge.labels.length > 0 ? edge.labels : edge.inverseLabels;
  return [...(edge.primary ? ['Primary'] : []), ...labels].join(' · ');
}

function elements(state: GraphState): ElementDefinition[] {
  const hops = distances(state);
  const result: ElementDefinition[] = [];
  for (const node of state.nodes.values()) {
    result.push({
      data: {
        id: node.id,
        label: node.name,
        color: typeColor(node.objectTypeId),
        hop: hops.get(node.id) ?? 3,
        kind: 'record',
      },
      classes: [node.id === state.center ? 'center' : '', state.expanded.has(node.id) ? 'expanded' : ''].join(
        ' ',
      ),
    });
  }
  for (const edge of state.edges.values()) {
    result.push({
      data: { id: `e:${edgeKey(edge)}`, source: edge.source, target: edge.target, label: edgeLabel(edge) },
      classes: edge.primary ? 'primary' : '',
    });
  }
  for (const more of state.more.values()) {
    const id = `more:${moreKey(more)}`;
    result.push({
      data: {
        id,
        label: `+${formatNumber(more.total - more.shown)} more ${more.toTypeName}`,
        color: typeColor(more.toObjectTypeId),
        hop: (hops.get(more.from) ?? 2) + 1,
        kind: 'more',
        key: moreKey(more),
      },
      classes: 'more',
    });
    result.push({ data: { id: `e:${id}`, source: more.from, target: id, label: '' }, classes: 'to-more' });
  }
  return result;
}

const STYLE = [
  {
    selector: 'node',
    style: {
      label: 'data(label)',
      'background-color': 'data(color)',
      color: '#222',
      'font-size': 10,
      'text-valign': 'bottom',
      'text-margin-y': 3,
      'text-wrap': 'ellipsis',
      'text-max-width': '110px',
      width: 22,
      height: 22,
      'text-background-color': '#fff',
      'text-background-opacity': 0.75,
      'text-background-padding': '1px',
    },
  },
  { selector: 'node.center', style: { width: 38, height: 38, 'font-weight': 'bold', 'font-size': 12 } },
  { selector: 'node.expanded', style: { 'border-width': 3, 'border-color': '#222' } },
  { selector: 'node.changed', style: { 'border-width': 4, 'border-color': '#e0a100' } },
  {
    selector: 'node.more',
    style: {
      shape: 'round-rectangle',
      'background-opacity': 0.25,
      'border-width': 1,
      'border-style': 'dashed',
      'border-color': 'data(color)',
      width: 120,
      height: 22,
      'text-valign': 'center',
      'text-margin-y': 0,
      'text-background-opacity': 0,
    },
  },
  {
    selector: 'edge',
    style: {
      width: 1.5,
      'line-color': '#9aa5b1',
      label: 'data(label)',
      'font-size': 9,
      color: '#444',
      'text-rotation': 'none',
      'text-background-color': '#fff',
      'text-background-opacity': 0.85,
      'curve-style': 'bezier',
    },
  },
  { selector: 'edge.primary', style: { width: 3, 'line-color': '#c0612b' } },
  { selector: 'edge.to-more', style: { 'line-style': 'dashed' } },
];

export function GraphView({ portalId, id }: { portalId: number; id: string }) {
  const [depth, setDepth] = useState<1 | 2>(1);
  const [perType, setPerType] = useState(12);
  const [state, setState] = useState<GraphState>(() => emptyState(id));
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);
  const [changed, setChanged] = useState<Set<string>>(new Set());
  const container = useRef<HTMLDivElement>(null);
  const cy = useRef<Core | undefined>(undefined);
  const actions = useRef({ expand: (_id: string) => {}, open: (_key: string) => {} });

  const load = () => {
    setLoading(true);
    api.graph(portalId, id, depth, perType).then(
      (graph) => {
        setState(merge({ ...emptyState(id), expanded: new Set([id]) }, graph));
        setChanged(new Set());
        setError(undefined);
        setLoading(false);
      },
      (e: Error) => {
        setError(e);
        setLoading(false);
      },
    );
  };
  useEffect(load, [portalId, id, depth, perType]);

  const expand = (nodeId: string) =>
    api.graph(portalId, nodeId, 1, perType).then(
      (graph) =>
        setState((s) => {
          const next = merge(s, graph);
          next.expanded.add(nodeId);
          return next;
        }),
      (e: Error) => setError(e),
    );
  const open = (key: string) => {
    const more = state.more.get(key);
    if (!more) return;
    api.neighbours(portalId, more.from, more.toTypeName, more.after, more.shown, perType).then(
      (graph) => setState((s) => merge(s, graph, key)),
      (e: Error) => setError(e),
    );
  };
  actions.current = { expand: (nodeId) => void expand(nodeId), open };

  // Live: a change to the center reloads the graph (debounced); a change to another node marks it.
  useFollow(portalId, (event) => touched(event).includes(id), load);
  useEffect(
    () =>
      activityChanges(portalId, (ids) => {
        const drawn = ids.filter((t) => t !== id && state.nodes.has(t));
        if (drawn.length > 0) setChanged((c) => new Set([...c, ...drawn]));
      }),
    [portalId, id, state],
  );

  const elementList = useMemo(() => elements(state), [state]);
  useEffect(() => {
    let cancelled = false;
    void import('cytoscape').then(({ default: cytoscape }) => {
      if (cancelled || !container.current) return;
      if (!cy.current) {
        cy.current = cytoscape({
          container: container.current,
          style: STYLE as never,
          minZoom: 0.2,
          maxZoom: 1.6,
        });
        cy.current.on('tap', 'node', (event) => {
          const node = event.target;
          if (node.data('kind') === 'more') actions.current.open(node.data('key') as string);
          else actions.current.expand(node.id());
        });
        cy.current.on('dbltap', 'node[kind = "record"]', (event) =>
          navigate(href.record(portalId, event.target.id() as string)),
        );
      }
      const graph = cy.current;
      graph.batch(() => {
        graph.elements().remove();
        graph.add(elementList);
        graph.nodes().forEach((n) => {
          if (changed.has(n.id())) n.addClass('changed');
        });
      });
      graph
        .layout({
          name: 'concentric',
          concentric: (node: { data: (k: string) => number }) => 10 - node.data('hop'),
          levelWidth: () => 1,
          minNodeSpacing: 18,
          animate: false,
        } as never)
        .run();
      graph.fit(undefined, 24);
      container.current.dataset.ready = String(graph.nodes().length);
      // For the browser tests, which click nodes on the canvas by their position.
      (container.current as HTMLDivElement & { cy?: Core }).cy = graph;
    });
    return () => {
      cancelled = true;
    };
  }, [elementList, changed]);
  useEffect(() => () => cy.current?.destroy(), []);

  const center = state.nodes.get(id);
  const records = [...state.nodes.values()].sort(
    (a, b) => a.hop - b.hop || a.typeName.localeCompare(b.typeName),
  );
  return (
    <div>
      <h1>
        Graph{' '}
        <span class="muted">{center ? `${center.name} · ${center.typeName} #${center.id}` : `#${id}`}</span>
      </h1>
      <div class="row controls">
        <fieldset>
          <legend>Hops</legend>
          {[1, 2].map((d) => (
            <label key={d}>
              <input type="radio" name="depth" checked={depth === d} onChange={() => setDepth(d as 1 | 2)} />{' '}
              {d}
            </label>
          ))}
        </fieldset>
        <label>
          Per type{' '}
          <select value={perType} onChange={(e) => setPerType(Number((e.target as HTMLSelectElement).value))}>
            {[6, 12, 25, 50].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
        <a class="button" href={href.record(portalId, id)}>
          Open record
        </a>
        <button onClick={load}>Refresh</button>
        {changed.size > 0 && (
          <span class="note" role="status">
            {changed.size} record{changed.size === 1 ? '' : 's'} changed since drawn
          </span>
        )}
      </div>
      <ErrorBox error={error} />
      <Loading when={loading} />
      <div class="graph-layout">
        <div
          ref={container}
          class="graph"
          data-testid="graph"
          role="img"
          aria-label={`Graph of ${state.nodes.size} records and ${state.edges.size} associations; the list beside it has the same records`}
        />
        <section class="graph-list" aria-labelledby="graph-list-title">
          <h2 id="graph-list-title">
            {formatNumber(state.nodes.size)} records, {formatNumber(state.edges.size)} links
          </h2>
          {state.more.size > 0 && (
            <ul class="more-list" data-testid="more">
              {[...state.more.entries()].map(([key, more]) => (
                <li key={key}>
                  <button onClick={() => open(key)}>
                    +{formatNumber(Math.min(perType, more.total - more.shown))} of{' '}
                    {formatNumber(more.total - more.shown)} more {more.toTypeName} around{' '}
                    {state.nodes.get(more.from)?.name ?? `#${more.from}`}
                  </button>
                </li>
              ))}
            </ul>
          )}
          <ul class="node-list" data-testid="nodes">
            {records.map((node) => (
              <li key={node.id} class={changed.has(node.id) ? 'changed' : ''}>
                <span class="dot" style={{ background: typeColor(node.objectTypeId) }} />
                <a href={href.record(portalId, node.id)}>{node.name}</a>{' '}
                <span class="muted">{node.typeName}</span>{' '}
                {!state.expanded.has(node.id) && (
                  <button
                    class="small"
                    onClick={() => void expand(node.id)}
                    aria-label={`Expand ${node.name}`}
                  >
                    Expand
                  </button>
                )}
              </li>
            ))}
          </ul>
        </section>
      </div>
      <details class="edges">
        <summary>Associations drawn</summary>
        <ul data-testid="edges">
          {[...state.edges.values()].map((e) => (
            <li key={edgeKey(e)}>
              {state.nodes.get(e.source)?.name} — {state.nodes.get(e.target)?.name}
              {edgeLabel(e) && <strong> ({edgeLabel(e)})</strong>}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}

/** Calls `onIds` with the records each write of the portal touched. */
function activityChanges(portalId: number, onIds: (ids: readonly string[]) => void): () => void {
  return activity.subscribe((event) => {
    if (event.portalId !== portalId || (event.kind === 'request' && !event.write)) return;
    const ids = touched(event);
    if (ids.length > 0) onIds(ids);
  });
}
