/**
 * createApp(): route schemas compile on each route's first request (http/lazy-compilers.ts),
 * so a schema that could not compile would otherwise surface only when that route is hit.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createApp } from '../src/app.js';
import { createTestStore } from './helpers/store.js';

describe('createApp()', () => {
  it("compiles every route's request and response schemas", async () => {
    const store = await createTestStore();
    const { app, compileSchemas } = createApp({ store });
    try {
      await app.ready();
      compileSchemas();
      // Validation still answers after the eager compile: a bad body is a 400, not a 500.
      const response = await app.inject({
        method: 'PUT',
        url: '/crm/v4/objects/contacts/1/associations/companies/2',
        headers: { authorization: 'Bearer t', 'content-type': 'application/json' },
        payload: '{"not":"an array"}',
      });
      assert.equal(response.statusCode, 400);
    } finally {
      await app.close();
      await store.close();
    }
  });
});
