/**
 * Errors of the CRM search API (`POST /crm/v3/objects/{type}/search`; docs/decisions.md,
 * "Search") and of its settings. Listed in docs/errors.md.
 */
import { errorFactory, simpleErrors } from '../error-catalog.js';

export const {
  searchJsonInvalid,
  notAnInteger,
  queryTooLong,
  searchLimitOutOfRange,
  negativeAfter,
  operatorNotAllowed,
  invalidAssociatedId,
  searchLagOutOfRange,
  invalidFilterLimits,
} = simpleErrors('VALIDATION_ERROR', {
  /** HubSpot's message for a body its JSON binding refuses, where in the body (decision D83). */
  searchJsonInvalid: 'Invalid input JSON on line {line}, column {column}: {problem}',
  notAnInteger: '{field} must be an integer; got {raw}',
  queryTooLong: 'The query is {length} characters long; at most {max} are allowed',
  searchLimitOutOfRange: 'limit must be between 0 and {max}; got {limit}',
  negativeAfter: 'after must be an offset of 0 or more; got {after}',
  operatorNotAllowed: '{operator} cannot be used on "{property}"',
  invalidAssociatedId: '{id} is not a valid record ID for "{property}"',
  searchLagOutOfRange: '{what} must be an integer from 0 to {max} (milliseconds)',
  invalidFilterLimits:
    'search filter limits are three integers from 1 to 1000, "groups,perGroup,total" (e.g. 5,6,18); got "{text}"',
});

export const pastResultCap = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Search returns at most {cap} results; after={after} is past them. Narrow the search ' +
      '(for example hs_object_id GTE the last ID, sorted by hs_object_id)',
  },
  (make, cap: number, after: number) =>
    make({ cap: cap.toLocaleString('en-US'), after }, { context: { after: [String(after)] } }),
);

export const tooManyFilterGroups = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Too many filter groups: {sent} were sent and at most {max} are allowed',
  },
  (make, sent: number, max: number) => make({ sent, max }, { context: { filterGroups: [String(sent)] } }),
);

export const tooManyFiltersInGroup = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Too many filters in filter group {group}: {sent} were sent and at most {max} are allowed per group',
  },
  (make, group: number, sent: number, max: number) =>
    make({ group, sent, max }, { context: { filters: [String(sent)] } }),
);

/** IN and NOT_IN lists are bounded so one request stays one SQL statement (decision D50). */
export const tooManyFilterValues = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      'Too many values: the IN and NOT_IN filters of a search take at most {max} values in all; {sent} were sent',
  },
  (make, sent: number, max: number) => make({ sent, max }, { context: { values: [String(sent)] } }),
);

export const tooManyFilters = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Too many filters: {sent} were sent across all filter groups and at most {max} are allowed',
  },
  (make, sent: number, max: number) => make({ sent, max }, { context: { filters: [String(sent)] } }),
);

export const unknownSearchProperty = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Property "{name}" does not exist' },
  (make, name: string) =>
    make(
      { name },
      {
        context: { propertyName: [name] },
        errors: [
          {
            message: `Property "${name}" does not exist`,
            code: 'PROPERTY_DOESNT_EXIST',
            context: { propertyName: [name] },
          },
        ],
      },
    ),
);

export const invalidFilterValue = errorFactory(
  { category: 'VALIDATION_ERROR', message: '{value} is not a valid {what} for the filter on "{name}"' },
  (make, name: string, value: string, what: string) =>
    make({ value: JSON.stringify(value), what, name }, { context: { propertyName: [name] } }),
);

/** An `associations.{type}` filter on a custom object's search. */
export const associationFilterOnCustomObject = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message: 'Filtering by associations is not supported for custom objects; use the associations API',
  },
  (make, property: string) => make({}, { context: { propertyName: [property] } }),
);

export const unknownAssociationFilterType = errorFactory(
  { category: 'VALIDATION_ERROR', message: 'Unable to infer object type from: {name}' },
  (make, name: string, property: string) => make({ name }, { context: { propertyName: [property] } }),
);

export const associationFilterOperator = errorFactory(
  {
    category: 'VALIDATION_ERROR',
    message:
      '{operator} cannot be used on "{property}": use EQ, NEQ, IN, NOT_IN, HAS_PROPERTY or NOT_HAS_PROPERTY',
  },
  (make, operator: string, property: string) =>
    make({ operator, property }, { context: { propertyName: [property] } }),
);
