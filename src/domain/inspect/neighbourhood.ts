/**
 * A record's neighbourhood as a graph for the web UI: the record, up to `perType` associated
 * records of each object type (one hop), optionally theirs in turn (two hops, fewer each),
 * with edges labeled by the association labels between each pair and Primary marked. What
 * is not shown is aggregated into a `more` entry per record and object type (how many, and
 * the cursor of the next page), so a record with 10,000 associations answers in a few
 * small queries and the browser draws a few dozen nodes.
 */
import { inspectedRecordNotFound } from './inspect-errors.js';
import type { ObjectType } from '../object-types.js';
import { PairTypes } from '../associations/pair-types.js';
import type { ObjectTypeResolver } from '../objects/object-type-resolver.js';
import type { ObjectRow, Store } from '../../store/store.js';
import { ObjectCatalog } from './object-catalog.js';
import { summary, type RecordSummary } from './record-view.js';

export interface GraphNode extends RecordSummary {
  /** 0 for the record asked for, 1 and 2 for its neighbours. */
  readonly hop: number;
}

export interface GraphEdge {
  /** The pair's two record IDs, lower first: one edge per associated pair. */
  readonly source: string;
  readonly target: string;
  /** Labels of the pair's types from `source` to `target` (unlabeled types add none). */
  readonly labels: readonly string[];
  /** The same pair's labels from `target` to `source` (a paired label's other text). */
  readonly inverseLabels: readonly string[];
  readonly primary: boolean;
}

/** Records of one type associated with `from` and not in the graph yet. */
export interface GraphMore {
  readonly from: string;
  readonly toObjectTypeId: string;
  readonly toTypeName: string;
  readonly total: number;
  readonly shown: number;
  /** Cursor of the next page (GET …/graph/{from}/neighbours/{toType}?after=). */
  readonly after: string;
}

export interface Graph {
  readonly center: string;
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
  readonly more: readonly GraphMore[];
}

export const PER_TYPE_DEFAULT = 12;
export const PER_TYPE_MAX = 100;
/** Second-hop neighbours per record and type. */
const SECOND_HOP_PER_TYPE = 4;

class GraphBuilder {
  readonly nodes = new Map<string, GraphNode>();
  readonly edges = new Map<string, GraphEdge>();
  readonly more: GraphMore[] = [];
  readonly #pairTypes = new Map<string, PairTypes>();

  constructor(
    private readonly store: Store,
    private readonly objectTypes: ObjectTypeResolver,
    private readonly portalId: number,
    readonly catalog: ObjectCatalog,
  ) {}

  addNode(row: ObjectRow, hop: number): void {
    const id = String(row.id);
    const known = this.nodes.get(id);
    if (!known || known.hop > hop) this.nodes.set(id, { ...summary(this.catalog, row), hop });
  }

  async #types(from: ObjectType, to: ObjectType): Promise<PairTypes> {
    const key = `${from.id}|${to.id}`;
    let types = this.#pairTypes.get(key);
    if (!types) {
      types = await PairTypes.load(this.store, this.portalId, from, to);
      this.#pairTypes.set(key, types);
    }
    return types;
  }

  /**
   * Adds up to `limit` records of one type associated with `from`, after `afterId`, with
   * their edges; what is left becomes a `more` entry. Returns the rows added.
   */
  async expandType(
    from: ObjectRow,
    toObjectTypeId: string,
    total: number,
    afterId: number,
    limit: number,
    hop: number,
    shownBefore = 0,
  ): Promise<ObjectRow[]> {
    const { inspection } = this.store;
    const ids = await inspection.associatedIds(this.portalId, {
      fromId: from.id,
      toObjectTypeId,
      afterId,
      limit,
    });
    const rows = await inspection.recordsByIds(this.portalId, ids);
    rows.sort((a, b) => a.id - b.id);
    const fromType = await this.objectTypes.resolveById(this.portalId, from.objectTypeId);
    const toType = await this.objectTypes.resolveById(this.portalId, toObjectTypeId);
    const types = await this.#types(fromType, toType);
    const between = await this.store.associationsBetweenMany(
      this.portalId,
      toObjectTypeId,
      rows.map((r) => [from.id, r.id] as const),
    );
    for (const row of rows) {
      this.addNode(row, hop);
      const pairRows = between.filter((b) => b.toId === row.id);
      const [source, target] = from.id < row.id ? [from, row] : [row, from];
      const labels: string[] = [];
      let primary = false;
      for (const pairRow of pairRows) {
        const type = types.find(from.objectTypeId, pairRow.category, pairRow.typeId);
        if (type?.primary) primary = true;
        else if (type?.label) labels.push(type.label);
      }
      const key = `${source.id}|${target.id}`;
      const known = this.edges.get(key);
      const forward = source === from;
      this.edges.set(key, {
        source: String(source.id),
        target: String(target.id),
        labels: [...new Set([...(known?.labels ?? []), ...(forward ? labels : [])])],
        inverseLabels: [...new Set([...(known?.inverseLabels ?? []), ...(forward ? [] : labels)])],
        primary: primary || (known?.primary ?? false),
      });
    }
    const shown = shownBefore + rows.length;
    if (shown < total && rows.length > 0) {
      this.more.push({
        from: String(from.id),
        toObjectTypeId,
        toTypeName: this.catalog.nameOf(toObjectTypeId),
        total,
        shown,
        after: String(rows[rows.length - 1]!.id),
      });
    }
    return rows;
  }

  /** Every object type `row` is associated with, a page of each. */
  async expand(row: ObjectRow, perType: number, hop: number): Promise<ObjectRow[]> {
    const added: ObjectRow[] = [];
    for (const { toObjectTypeId, records } of await this.store.inspection.associatedRecordCounts(
      this.portalId,
      row.id,
    )) {
      added.push(...(await this.expandType(row, toObjectTypeId, records, 0, perType, hop)));
    }
    return added;
  }

  graph(center: number): Graph {
    return {
      center: String(center),
      nodes: [...this.nodes.values()],
      edges: [...this.edges.values()],
      more: this.more,
    };
  }
}

export class Neighbourhood {
  constructor(
    private readonly store: Store,
    private readonly objectTypes: ObjectTypeResolver,
  ) {}

  async #start(portalId: number, id: number): Promise<{ builder: GraphBuilder; row: ObjectRow }> {
    const row = await this.store.getObject(portalId, id);
    if (!row) throw inspectedRecordNotFound(portalId, id);
    const catalog = await ObjectCatalog.load(this.store, portalId);
    const builder = new GraphBuilder(this.store, this.objectTypes, portalId, catalog);
    builder.addNode(row, 0);
    return { builder, row };
  }

  /** The record and its neighbours, one or two hops out. */
  async around(portalId: number, id: number, depth: 1 | 2, perType: number): Promise<Graph> {
    const { builder, row } = await this.#start(portalId, id);
    const limit = Math.min(Math.max(perType, 1), PER_TYPE_MAX);
    const firstHop = row.archivedAt === null ? await builder.expand(row, limit, 1) : [];
    if (depth === 2) {
      for (const neighbour of firstHop)
        await builder.expand(neighbour, Math.min(limit, SECOND_HOP_PER_TYPE), 2);
    }
    return builder.graph(id);
  }

  /** The next page of one record's neighbours of one type (a `more` entry, opened). */
  async neighbours(
    portalId: number,
    id: number,
    toTypeName: string,
    afterId: number,
    perType: number,
    /** How many the client has shown already (the `shown` of the `more` entry it opens). */
    shownBefore: number,
  ): Promise<Graph> {
    const { builder, row } = await this.#start(portalId, id);
    const toType = await this.objectTypes.resolve(portalId, toTypeName);
    const counts = await this.store.inspection.associatedRecordCounts(portalId, id);
    const total = counts.find((c) => c.toObjectTypeId === toType.id)?.records ?? 0;
    const limit = Math.min(Math.max(perType, 1), PER_TYPE_MAX);
    await builder.expandType(row, toType.id, total, afterId, limit, 1, Math.max(0, shownBefore));
    return builder.graph(id);
  }
}
