/**
 * Errors of the test harness: snapshots, fixtures, export documents and the integrity check
 * that guards them. Listed in docs/errors.md.
 */
import { errorFactory, simpleError } from '../error-catalog.js';
import type { SpokeError } from '../errors.js';

export const invalidSnapshotName = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'Invalid snapshot name "{name}": use letters, digits, "_", "." and "-", up to 100 characters',
});

export const snapshotNotFound = errorFactory(
  { category: 'OBJECT_NOT_FOUND', message: 'Portal {portalId} has no snapshot named "{name}"' },
  (make, portalId: number, name: string) => make({ portalId, name }, { context: { snapshot: [name] } }),
);

/** A fixture document that does not load; carries the context and details of the error it wraps. */
export const invalidFixtures = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Invalid fixtures: {problem}' },
  (make, problem: string, cause?: SpokeError) =>
    make(
      { problem },
      { ...(cause?.context && { context: cause.context }), ...(cause?.errors && { errors: cause.errors }) },
    ),
);

export const fixtureTokenTaken = simpleError({
  category: 'VALIDATION_ERROR',
  message: "The fixture's token already names portal {existing}, not {portalId}",
});

export const invalidExportDocument = simpleError({
  category: 'VALIDATION_ERROR',
  message: 'Invalid export document: {problem}',
});

/** What `spoke check` would flag, found inside the transaction that wrote it. */
export const integrityProblem = errorFactory(
  { category: 'VALIDATION_ERROR', message: '{what}: {kind}: {detail}' },
  (make, what: string, kind: string, detail: string) =>
    make({ what, kind, detail }, { context: { [kind]: [detail] } }),
);
