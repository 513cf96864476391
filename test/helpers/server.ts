/**
 * Starts Spoke for a test, on 127.0.0.1 port 0, with the contract check on every response.
 * The store is SQLite in memory, or the database TEST_DATABASE_URL names.
 */
import type { onSendHookHandler } from 'fastify';
import { createApp, type AppOptions } from '../../src/app.js';
import type { Domain } from '../../src/domain/services.js';
import type { WebhookDispatcher } from '../../src/domain/webhooks/webhook-dispatcher.js';
import type { Store } from '../../src/store/store.js';
import { contractChecker, type ContractViolation } from './contract.js';
import { createTestStore } from './store.js';

export interface TestServer {
  readonly url: string;
  readonly token: string;
  readonly store: Store;
  readonly domain: Domain;
  /** The app's webhook dispatcher (its stats: checks, leases, prunes). */
  readonly webhooks: WebhookDispatcher;
  readonly violations: ContractViolation[];
  /** Stops the server; fails if any response broke the contract. */
  close(): Promise<void>;
}

export type TestServerOptions = Omit<AppOptions, 'store' | 'onSend'> & { store?: Store };

/** An onSend hook that checks every response against HubSpot's spec and records violations. */
export function contractHook(violations: ContractViolation[]): onSendHookHandler {
  const checker = contractChecker();
  return async (request, reply, payload) => {
    const body = typeof payload === 'string' ? payload : payload == null ? '' : String(payload);
    const contentType = reply.getHeader('content-type');
    const problems = checker.check(
      request.method,
      request.url,
      reply.statusCode,
      typeof contentType === 'string' ? contentType : undefined,
      body,
    );
    if (problems.length === 0) return payload;
    const violation = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      problem: problems.join('; '),
    };
    violations.push(violation);
    // Fail loudly in the test that made the request, too.
    reply.code(599).header('content-type', 'application/json;charset=utf-8');
    return JSON.stringify({ contractViolation: violation, original: body.slice(0, 2000) });
  };
}

export function assertNoViolations(violations: readonly ContractViolation[]): void {
  if (violations.length > 0) {
    throw new Error(
      `Responses broke the HubSpot contract:\n${violations.map((v) => JSON.stringify(v)).join('\n')}`,
    );
  }
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const store = options.store ?? (await createTestStore());
  const violations: ContractViolation[] = [];
  const onSend = contractHook(violations);
  const { app, domain, webhooks } = createApp({ ...options, store, onSend });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    token: 'test-token',
    store,
    domain,
    webhooks,
    violations,
    async close() {
      await app.close();
      await store.close();
      if (violations.length > 0) {
        throw new Error(
          `Responses broke the HubSpot contract:\n${violations.map((v) => JSON.stringify(v)).join('\n')}`,
        );
      }
    },
  };
}
