/**
 * The inputs and results of the Associations v4 records operations, wire-neutral: the
 * domain's own shapes, which src/http validates requests into and shapes responses from.
 * They sit apart from the operations so the reads, the writes and the HTTP layer can share
 * them without importing each other.
 */
import type { AssociationCategory } from '../association-types.js';

/** A type as clients name it (`AssociationSpec`). */
export interface AssociationSpec {
  readonly associationCategory: AssociationCategory;
  readonly associationTypeId: number;
}

export interface TypeWithLabel {
  readonly category: AssociationCategory;
  readonly typeId: number;
  readonly label: string | null;
}

export interface AssociatedRecord {
  readonly toObjectId: number;
  readonly associationTypes: TypeWithLabel[];
}

export interface AssociationPage {
  readonly results: AssociatedRecord[];
  /** Cursor of the next page; absent on the last page. */
  readonly after?: string;
}

export interface AssociatedIds {
  readonly results: Array<{ id: number; type: string }>;
  readonly after?: string;
}

export interface DefaultAssociation {
  readonly fromId: number;
  readonly toId: number;
  readonly spec: AssociationSpec;
}

export interface LabelsBetween {
  readonly fromObjectTypeId: string;
  readonly fromObjectId: number;
  readonly toObjectTypeId: string;
  readonly toObjectId: number;
  readonly labels: string[];
}

export interface PairInput {
  readonly from: number;
  readonly to: number;
}

export interface LabeledPairInput extends PairInput {
  readonly types: readonly AssociationSpec[];
}

export interface ArchiveInput {
  readonly from: number;
  readonly to: readonly number[];
}

export interface ReadInput {
  readonly id: number;
  readonly after?: string;
}

export interface BatchReadResult {
  readonly fromId: number;
  readonly to: AssociatedRecord[];
  readonly after?: string;
}

/** One entry of the `associations` of a record being created (POST /crm/v3/objects/{type}). */
export interface NewRecordAssociation {
  readonly toId: number;
  readonly types: readonly AssociationSpec[];
}
