/**
 * The objects API's batch writes (…/batch/create, update, upsert). A batch runs in one
 * transaction, each input in its own savepoint, so a failed input can be reported on its own
 * (multi-status) without undoing the others.
 */
import { withContext } from '../error-catalog.js';
import type { BatchOutcome } from '../batch.js';
import { SpokeError } from '../errors.js';
import type { ObjectType } from '../object-types.js';
import { lockForWrite, typeLock } from '../write-locks.js';
import { TransactionRetry } from '../../store/store-errors.js';
import type { ObjectRow, Store, StoreTransaction } from '../../store/store.js';
import type { RecordKeys } from './record-keys.js';
import { recordNotFound } from './object-errors.js';
import type { CreateObjectInput, RecordWrites, UpdateObjectInput } from './record-writes.js';

export interface WrittenObject {
  readonly row: ObjectRow;
  readonly objectWriteTraceId?: string;
  /** Upserts only: whether the record was created. */
  readonly created?: boolean;
}

/** Batch create without an `objectWriteTraceId` on every input is all-or-nothing (HubSpot's rule). */
function isMultiStatus(inputs: readonly { objectWriteTraceId?: string | undefined }[]): boolean {
  return (
    inputs.length > 0 &&
    inputs.every((i) => typeof i.objectWriteTraceId === 'string' && i.objectWriteTraceId !== '')
  );
}

function withTraceId(error: SpokeError, traceId: string | undefined): SpokeError {
  if (traceId === undefined) return error;
  return withContext(error, { objectWriteTraceId: [traceId] });
}

export class ObjectBatch {
  constructor(
    private readonly store: Store,
    private readonly keys: RecordKeys,
    private readonly writes: RecordWrites,
  ) {}

  /**
   * POST …/batch/create. With an `objectWriteTraceId` on every input, failed inputs are
   * reported one by one (multi-status); otherwise the first failure fails the whole batch.
   */
  async create(
    portalId: number,
    type: ObjectType,
    inputs: readonly CreateObjectInput[],
  ): Promise<BatchOutcome<WrittenObject>> {
    const multiStatus = isMultiStatus(inputs);
    return this.store.transaction((tx) =>
      this.#eachInput(tx, inputs, multiStatus, async (input) => ({
        row: await this.writes.insert(tx, portalId, type, input),
        ...(input.objectWriteTraceId !== undefined && { objectWriteTraceId: input.objectWriteTraceId }),
      })),
    );
  }

  /**
   * Runs each input in a savepoint; in multi-status mode a failure is reported, otherwise thrown
   * (the whole batch fails and nothing is written), except a missing record when `missingPerInput`.
   */
  async #eachInput<I extends { objectWriteTraceId?: string | undefined }, R>(
    tx: StoreTransaction,
    inputs: readonly I[],
    multiStatus: boolean,
    run: (input: I) => Promise<R>,
    missingPerInput = false,
  ): Promise<BatchOutcome<R>> {
    const results: R[] = [];
    const errors: SpokeError[] = [];
    for (const input of inputs) {
      try {
        results.push(await tx.savepoint(() => run(input)));
      } catch (error) {
        if (!(error instanceof SpokeError)) throw error;
        if (!multiStatus && !(missingPerInput && error.category === 'OBJECT_NOT_FOUND')) throw error;
        errors.push(withTraceId(error, input.objectWriteTraceId));
      }
    }
    return { results, errors };
  }

  /** Update and upsert: each input in one transaction, a missing record reported per input. */
  #keyedInputs<R>(
    inputs: readonly UpdateObjectInput[],
    run: (tx: StoreTransaction, input: UpdateObjectInput) => Promise<R>,
  ): Promise<BatchOutcome<R>> {
    return this.store.transaction((tx) =>
      this.#eachInput(tx, inputs, isMultiStatus(inputs), (input) => run(tx, input), true),
    );
  }

  /**
   * POST …/batch/update: a missing record is reported per input; any other failure fails the
   * whole batch unless every input carries an `objectWriteTraceId` (as batch/create).
   */
  async update(
    portalId: number,
    type: ObjectType,
    inputs: readonly UpdateObjectInput[],
  ): Promise<BatchOutcome<WrittenObject>> {
    return this.#keyedInputs(inputs, async (tx, input) => {
      const row = await this.keys.locked(tx, portalId, type, input);
      return {
        row: await this.writes.applyUpdate(tx, portalId, type, row, input.properties),
        ...(input.objectWriteTraceId !== undefined && { objectWriteTraceId: input.objectWriteTraceId }),
      };
    });
  }

  /**
   * An upsert's create. A concurrent write that committed the key after this one looked it up
   * (on PostgreSQL; SQLite runs writes one at a time) makes the claim of the key a CONFLICT:
   * the batch reruns and finds the record to update, since an upsert never conflicts on its key.
   */
  async #insertKey(
    tx: StoreTransaction,
    portalId: number,
    type: ObjectType,
    idProperty: string,
    properties: Record<string, unknown>,
  ): Promise<ObjectRow> {
    try {
      return await this.writes.insert(tx, portalId, type, { properties });
    } catch (error) {
      if (
        error instanceof SpokeError &&
        error.category === 'CONFLICT' &&
        error.context?.property?.[0] === idProperty
      ) {
        throw new TransactionRetry(
          `${idProperty} ${String(properties[idProperty])} was created concurrently`,
        );
      }
      throw error;
    }
  }

  /**
   * POST …/batch/upsert: updates the record the key names, or creates one. With a unique
   * `idProperty`, a created record takes the key as that property's value. Failures as in
   * batch/update.
   */
  async upsert(
    portalId: number,
    type: ObjectType,
    inputs: readonly UpdateObjectInput[],
  ): Promise<BatchOutcome<WrittenObject>> {
    return this.#keyedInputs(inputs, async (tx, input) => {
      const id = await this.keys.idOf(tx, portalId, type, input);
      await lockForWrite(tx, portalId, typeLock(type.id, 'shared'));
      if (id !== undefined) await tx.lockObjects(portalId, [id]);
      const existing = id === undefined ? undefined : await tx.getObject(portalId, id);
      const traceId =
        input.objectWriteTraceId !== undefined ? { objectWriteTraceId: input.objectWriteTraceId } : {};
      if (existing && existing.objectTypeId === type.id && existing.archivedAt === null) {
        return {
          row: await this.writes.applyUpdate(tx, portalId, type, existing, input.properties),
          created: false,
          ...traceId,
        };
      }
      if (input.idProperty === undefined || input.idProperty === 'hs_object_id') {
        throw recordNotFound(type, input.id);
      }
      const properties = { ...input.properties, [input.idProperty]: input.id };
      return {
        row: await this.#insertKey(tx, portalId, type, input.idProperty, properties),
        created: true,
        ...traceId,
      };
    });
  }
}
