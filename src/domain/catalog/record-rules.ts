/**
 * Rules HubSpot applies to particular properties beyond their type (decision D33):
 *  - a contact's `email` must be an email address (`INVALID_EMAIL`);
 *  - `lifecyclestage` (contacts, companies) moves forward only, in the order of its options:
 *    to move it back, clear it (`""`) and set it again (knowledge.hubspot.com
 *    "use-lifecycle-stages", as Segment's HubSpot client does it).
 */
import type { ObjectType } from '../object-types.js';
import type { PropertyMap } from '../../store/store.js';
import type { PropertyDefinition } from './property-types.js';
import type { PropertyValueProblem } from './property-values.js';

/** One `@`, something before it, a dotted domain after it, no whitespace. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function ruleProblems(
  type: ObjectType,
  definitions: ReadonlyMap<string, PropertyDefinition>,
  out: PropertyMap,
  current: PropertyMap | undefined,
): PropertyValueProblem[] {
  const problems: PropertyValueProblem[] = [];
  const email = out.email;
  if (type.id === '0-1' && email && !EMAIL.test(email))
    problems.push({ name: 'email', error: 'INVALID_EMAIL', message: `Email address ${email} is invalid` });
  const stage = out.lifecyclestage;
  const was = current?.lifecyclestage;
  const definition = definitions.get('lifecyclestage');
  if (stage && was && definition && !definition.archived) {
    const order = definition.options.map((o) => o.value);
    const from = order.indexOf(was);
    const to = order.indexOf(stage);
    if (from >= 0 && to >= 0 && to < from)
      problems.push({
        name: 'lifecyclestage',
        error: 'INVALID_OPTION',
        message: `lifecyclestage cannot move backwards from ${was} to ${stage}: clear it ("") first, then set it`,
      });
  }
  return problems;
}
