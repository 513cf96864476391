/**
 * A pipeline stage's input as HubSpot's pipelines API takes it: metadata values are strings
 * (numbers and booleans as their text; an object or array is refused, not stored as
 * "[object Object]"), a deal stage's probability is 0.0 to 1.0 in steps of 0.1 (the spec), a
 * ticket's state OPEN or CLOSED, and the stages of one pipeline have different labels.
 */
import { invalidPipelineField as invalid } from './catalog-errors.js';
import type { ObjectType } from '../object-types.js';

/** The stored metadata of a stage of `type`, or a 400. */
export function stageMetadata(type: ObjectType, input: unknown): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries((input ?? {}) as Record<string, unknown>)) {
    if (!['string', 'number', 'boolean'].includes(typeof value))
      throw invalid(`metadata.${key} must be a string, a number or a boolean`, key, JSON.stringify(value));
    metadata[key] = String(value);
  }
  if (type.id === '0-3') {
    const probability = Number(metadata.probability);
    const tenths = probability * 10;
    if (
      metadata.probability === undefined ||
      metadata.probability.trim() === '' ||
      !(probability >= 0 && probability <= 1) ||
      Math.abs(tenths - Math.round(tenths)) > 1e-9
    )
      throw invalid(
        'A deal stage needs metadata.probability between 0.0 and 1.0 in steps of 0.1',
        'probability',
        String(metadata.probability),
      );
    metadata.probability = probability.toFixed(1);
    metadata.isClosed ??= String(probability === 0 || probability === 1);
  }
  if (
    type.id === '0-5' &&
    metadata.ticketState !== undefined &&
    !['OPEN', 'CLOSED'].includes(metadata.ticketState)
  )
    throw invalid('metadata.ticketState is OPEN or CLOSED', 'ticketState', metadata.ticketState);
  return metadata;
}

/**
 * A live pipeline has at least one stage (a record in it needs one to be at), and its stages
 * have different labels (HubSpot's UI names a stage by its label).
 */
export function checkStageLabels(stages: readonly { label: string; archived?: boolean }[]): void {
  if (!stages.some((s) => !s.archived)) throw invalid('A pipeline needs at least one stage', 'stages', '');
  const seen = new Set<string>();
  for (const stage of stages) {
    if (stage.archived) continue;
    const label = stage.label.trim().toLowerCase();
    if (seen.has(label)) throw invalid(`Two stages are labeled "${stage.label}"`, 'label', stage.label);
    seen.add(label);
  }
}
