/**
 * Fastify's own schema compilers (Ajv for validation, fast-json-stringify for responses),
 * deferred to each route's first request. Spoke registers a few hundred routes (every path
 * family, every version prefix) and compiling them all up front was half of its start-up
 * time; a test run touches only some of them. A route compiles once, on first use.
 */
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { FastifyServerOptions } from 'fastify';
import { SerializerSelector } from '@fastify/fast-json-stringify-compiler';

type Compile = (route: unknown) => (...args: unknown[]) => unknown;
type Factory = (...args: unknown[]) => Compile;

/** A validator that compiles on first call and exposes what Fastify reads from Ajv's (`errors`, `schemaEnv`). */
function lazyValidator(compile: () => (...args: unknown[]) => unknown) {
  let compiled: ((...args: unknown[]) => unknown) | undefined;
  const get = () => (compiled ??= compile());
  const validate = (...args: unknown[]) => get()(...args);
  Object.defineProperty(validate, 'errors', { get: () => (get() as { errors?: unknown }).errors });
  Object.defineProperty(validate, 'schemaEnv', { get: () => (get() as { schemaEnv?: unknown }).schemaEnv });
  return validate;
}

function lazySerializer(compile: () => (...args: unknown[]) => unknown) {
  let compiled: ((...args: unknown[]) => unknown) | undefined;
  return (...args: unknown[]) => (compiled ??= compile())(...args);
}

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']
>;

export interface LazyCompilers {
  readonly compilersFactory: CompilersFactory;
  /** Compiles every schema not compiled yet (a test uses it to prove they all compile). */
  compileAll(): void;
}

export function createLazyCompilers(): LazyCompilers {
  const pending = new Set<() => unknown>();
  const deferred =
    (factory: Factory, wrap: typeof lazyValidator): Factory =>
    (...factoryArgs) => {
      const compile = factory(...factoryArgs);
      return (route) => {
        const thunk = () => {
          pending.delete(thunk);
          return compile(route);
        };
        pending.add(thunk);
        return wrap(thunk);
      };
    };
  return {
    // Fastify's types describe Ajv's functions; the wrappers stand in for them at run time.
    compilersFactory: {
      buildValidator: deferred(AjvCompiler() as unknown as Factory, lazyValidator),
      buildSerializer: deferred(SerializerSelector() as unknown as Factory, lazySerializer),
    } as unknown as CompilersFactory,
    compileAll() {
      for (const thunk of [...pending]) thunk();
    },
  };
}
