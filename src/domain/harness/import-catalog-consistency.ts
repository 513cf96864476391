/**
 * What an imported catalog must hold across its rows, as the APIs that make the rows ensure it
 * (decision D29): a live property's group exists and is live, a pipeline's stage IDs are
 * unique in it, and a stage ID names one stage among the pipelines of its type (a record's
 * stage must say which one it is). Checked after the rows are written, on the catalog the
 * services will read (HubSpot's defaults with the document's rows over them).
 */
import { PipelineCatalog } from '../catalog/pipeline-catalog.js';
import { PropertyCatalog } from '../catalog/property-catalog.js';
import type { ObjectType } from '../object-types.js';
import type { CatalogRow } from '../../store/catalog-store.js';
import type { StoreReader } from '../../store/store.js';
import { fail } from './import-checks.js';

export async function checkImportedCatalog(
  reader: StoreReader,
  portalId: number,
  rows: readonly CatalogRow[],
  typeOf: (objectTypeId: string) => ObjectType | undefined,
): Promise<void> {
  const properties = new PropertyCatalog();
  const pipelines = new PipelineCatalog();
  for (const scope of new Set(rows.filter((r) => r.kind !== 'owner').map((r) => r.scope))) {
    const type = typeOf(scope)!;
    if (rows.some((r) => r.scope === scope && (r.kind === 'property' || r.kind === 'group'))) {
      const groups = await properties.groups(reader, portalId, type);
      for (const definition of (await properties.all(reader, portalId, type)).values()) {
        if (definition.archived) continue;
        const group = groups.get(definition.groupName);
        if (!group || group.archived)
          fail(
            `catalog: property ${definition.name} of ${scope} is in group ${JSON.stringify(definition.groupName)}, which the catalog does not hold`,
          );
      }
    }
    if (!rows.some((r) => r.scope === scope && r.kind === 'pipeline')) continue;
    const owners = new Map<string, string>();
    for (const pipeline of (await pipelines.all(reader, portalId, type)).values()) {
      const own = new Set<string>();
      for (const stage of pipeline.stages) {
        if (own.has(stage.id))
          fail(`catalog: pipeline ${pipeline.id} of ${scope} holds stage ${stage.id} twice`);
        own.add(stage.id);
        const other = owners.get(stage.id);
        if (other !== undefined)
          fail(`catalog: stage ${stage.id} of ${scope} is in pipelines ${other} and ${pipeline.id}`);
        owners.set(stage.id, pipeline.id);
      }
    }
  }
}
