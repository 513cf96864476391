/**
 * Fastify's type provider for TypeBox schemas: a route's request types are read from the
 * schema it validates with, so each request shape is stated once (not again as a type alias
 * and a route generic that could drift from it). Fastify's documented extension point
 * (FastifyTypeProvider); no dependency.
 */
import type { FastifyTypeProvider } from 'fastify';
import type { Static, TSchema } from 'typebox';

export interface TypeBoxProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
}
