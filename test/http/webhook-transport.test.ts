/**
 * The HTTP transport of webhook deliveries against a real receiver on loopback: a receiver
 * that answers 200 with an endless body gets its 200 counted, and Spoke reads only the first
 * few KB of it (reading it all would never end, and the timeout would turn a success into a
 * failure; a large finite body would sit in memory). Requests carry HubSpot's headers.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { HUBSPOT_USER_AGENT, MAX_RESPONSE_BYTES, httpTransport } from '../../src/http/webhook-transport.js';

describe('webhook HTTP transport', () => {
  let server: Server;
  let url: string;
  let written = 0;
  let closed: Promise<void>;
  let headers: Record<string, unknown> = {};

  before(async () => {
    server = createServer((request, response) => {
      headers = request.headers;
      request.resume();
      response.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      closed = new Promise((resolve) => response.on('close', () => resolve()));
      const pump = () => {
        while (!response.destroyed && response.write(chunk)) written += chunk.length;
        if (!response.destroyed) response.once('drain', pump);
      };
      pump();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('reads at most a few KB of an endless answer and cancels the rest', async () => {
    const response = await httpTransport({
      url,
      headers: { 'content-type': 'application/json' },
      body: '[]',
      timeoutMs: 5_000,
    });
    assert.equal(response.status, 200);
    assert.equal(response.body.length, MAX_RESPONSE_BYTES);
    assert.match(response.body, /^x+$/);
    // The receiver sees its connection closed: Spoke stopped reading.
    await closed;
    assert.ok(written < 64 * 1024 * 1024, `the receiver wrote ${written} bytes`);
  });

  it('sends HubSpot’s headers and none of a browser’s', async () => {
    const response = await httpTransport({
      url,
      headers: { 'content-type': 'application/json', 'x-hubspot-signature-version': 'v1' },
      body: '[]',
      timeoutMs: 5_000,
    });
    assert.equal(response.status, 200);
    assert.equal(headers['user-agent'], HUBSPOT_USER_AGENT);
    assert.equal(headers['x-hubspot-timeout-millis'], '5000');
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['x-hubspot-signature-version'], 'v1');
    for (const name of ['sec-fetch-mode', 'accept-language']) assert.equal(headers[name], undefined, name);
  });
});
