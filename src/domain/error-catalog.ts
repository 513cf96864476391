/**
 * How an error factory is declared. Every HubSpot error Spoke can return is made by a factory
 * in one `*-errors.ts` file per area; each factory carries its spec (category, status where it
 * is not the category's, subCategory, message pattern), and `docs/errors.md` lists the same
 * specs (test/docs/errors.test.ts keeps the two in sync, and fails on an error made anywhere else).
 */
import {
  AuthenticationError,
  ConflictError,
  NotFoundError,
  SpokeError,
  ValidationError,
  type ErrorCategory,
  type SpokeErrorOptions,
} from './errors.js';

export interface ErrorSpec {
  readonly category: ErrorCategory;
  /** The message, with `{name}` where a value goes (`{message}` where the whole text is passed in). */
  readonly message: string;
  readonly subCategory?: string;
  /** Only where the status is not the category's (the HTTP layer's 405, 413, ...); `4xx` where it varies. */
  readonly status?: number | '4xx';
}

/** The names in a message pattern: `'No app {appId}'` gives `'appId'`. */
type Placeholders<S extends string> = S extends `${string}{${infer K}}${infer Rest}`
  ? Name<K> | Placeholders<Rest>
  : never;
/** Only word characters name a value (as in fillMessage); `{ "tier": … }` is text. */
type Name<K extends string> = K extends `${string}${' ' | '"' | '{' | ':'}${string}` ? never : K;

export type MessageValues<S extends string> = Record<Placeholders<S>, string | number>;

/** Builds the error of a spec from its message's values (the factory's body calls it). */
export type MakeError<S extends string> = (
  values: MessageValues<S>,
  options?: SpokeErrorOptions,
) => SpokeError;

export interface ErrorFactory<A extends unknown[], E extends SpokeError = SpokeError> {
  (...args: A): E;
  readonly spec: ErrorSpec;
}

export function fillMessage(pattern: string, values: Readonly<Record<string, string | number>>): string {
  return pattern.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? String(values[name]) : whole,
  );
}

/** The domain's class for each category, so `instanceof ValidationError` keeps working. */
export function errorOfCategory(
  category: ErrorCategory,
  message: string,
  options?: SpokeErrorOptions,
): SpokeError {
  switch (category) {
    case 'VALIDATION_ERROR':
      return new ValidationError(message, options);
    case 'OBJECT_NOT_FOUND':
      return new NotFoundError(message, options);
    case 'CONFLICT':
      return new ConflictError(message, options);
    case 'INVALID_AUTHENTICATION':
      return new AuthenticationError(message, options);
    default:
      return new SpokeError(category, message, options);
  }
}

export type ErrorConstructor = (spec: ErrorSpec, message: string, options?: SpokeErrorOptions) => SpokeError;

const byCategory: ErrorConstructor = (spec, message, options) =>
  errorOfCategory(spec.category, message, {
    ...options,
    ...(spec.subCategory !== undefined && { subCategory: spec.subCategory }),
  });

/**
 * Declares a factory: `build` receives `make` (the spec's message filled with values) and the
 * factory's own arguments, and returns the error, usually `make({...}, { context })`.
 */
export function errorFactory<const S extends string, A extends unknown[], E extends SpokeError = SpokeError>(
  spec: ErrorSpec & { readonly message: S },
  build: (make: MakeError<S>, ...args: A) => E,
  construct: ErrorConstructor = byCategory,
): ErrorFactory<A, E> {
  const make: MakeError<S> = (values, options) =>
    construct(spec, fillMessage(spec.message, values as Record<string, string | number>), options);
  const factory = (...args: A) => build(make, ...args);
  return Object.assign(factory, { spec });
}

/** Shorthand for a factory whose arguments are exactly its message's values. */
export function simpleError<const S extends string, E extends SpokeError = SpokeError>(
  spec: ErrorSpec & { readonly message: S },
  construct: ErrorConstructor = byCategory,
): ErrorFactory<[values: MessageValues<S>, options?: SpokeErrorOptions], E> {
  return errorFactory(
    spec,
    (make, values: MessageValues<S>, options?: SpokeErrorOptions) => make(values, options) as E,
    construct,
  );
}

/** The same error with more context (a batch input's `objectWriteTraceId`): a copy, not a new kind. */
export function withContext(error: SpokeError, extra: Readonly<Record<string, string[]>>): SpokeError {
  const copy = errorOfCategory(error.category, error.message, {
    context: { ...error.context, ...extra },
    ...(error.errors && { errors: error.errors }),
    ...(error.subCategory && { subCategory: error.subCategory }),
  });
  return copy;
}

type SimpleFactories<T extends Record<string, string>, E extends SpokeError> = {
  readonly [K in keyof T]: ErrorFactory<[values: MessageValues<T[K]>, options?: SpokeErrorOptions], E>;
};

/** Several factories of one category whose arguments are exactly their messages' values. */
export function simpleErrors<const T extends Record<string, string>, E extends SpokeError = SpokeError>(
  category: ErrorCategory,
  messages: T,
  extra: Omit<ErrorSpec, 'category' | 'message'> = {},
  construct: ErrorConstructor = byCategory,
): SimpleFactories<T, E> {
  return Object.fromEntries(
    Object.entries(messages).map(([name, message]) => [
      name,
      simpleError({ ...extra, category, message }, construct),
    ]),
  ) as unknown as SimpleFactories<T, E>;
}
