/**
 * How webhook deliveries leave the process: an HTTP POST with node:http(s), given up on after
 * the timeout (HubSpot's 5 s). node:http rather than fetch: fetch adds browser headers
 * (`sec-fetch-mode`, `accept-language`, `user-agent: node`) that HubSpot does not send; this
 * sends HubSpot's own (`User-Agent`, `X-HubSpot-Timeout-Millis`, D43) beside the signature
 * headers. Redirects are not followed: a 3xx is the target's answer, and a failure like any
 * other non-2xx. Only the first few KB of the answer are read (the attempt log keeps 2,000
 * characters); then the connection is dropped, so a receiver that answers with a huge or
 * endless body costs neither memory nor the timeout.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type {
  WebhookRequest,
  WebhookResponse,
  WebhookTransport,
} from '../domain/webhooks/webhook-dispatcher.js';

/** The most bytes of a receiver's answer read. */
export const MAX_RESPONSE_BYTES = 8_192;
/** What HubSpot's webhook requests say they are (captured requests). */
export const HUBSPOT_USER_AGENT =
  'HubSpot Connect 2.0 (http://dev.hubspot.com/) - WebhooksExecutorDaemon-executor';

export const httpTransport: WebhookTransport = (request: WebhookRequest): Promise<WebhookResponse> =>
  new Promise((resolve, reject) => {
    const url = new URL(request.url);
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const body = Buffer.from(request.body);
    const outgoing = send(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': HUBSPOT_USER_AGENT,
        'X-HubSpot-Timeout-Millis': String(request.timeoutMs),
        ...request.headers,
        'Content-Length': String(body.length),
      },
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    outgoing.on('error', reject);
    outgoing.on('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        response.removeAllListeners('data');
        resolve({
          status: response.statusCode ?? 0,
          body: new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES)),
        });
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_RESPONSE_BYTES) {
          // Enough: the rest is never read, and the connection goes.
          done();
          response.destroy();
        }
      });
      response.on('end', done);
      response.on('error', reject);
    });
    outgoing.end(body);
  });

/** A delivery a collecting transport kept (`startSpoke({ webhooks: { collect: true } })`). */
export interface CollectedDelivery {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  /** The events, parsed. */
  readonly events: Array<Record<string, unknown>>;
}

/** A transport that answers 200 to every delivery and keeps them, for tests with no receiver. */
export function collectingTransport(): { transport: WebhookTransport; deliveries: CollectedDelivery[] } {
  const deliveries: CollectedDelivery[] = [];
  return {
    deliveries,
    transport: async (request) => {
      deliveries.push({
        url: request.url,
        headers: request.headers,
        body: request.body,
        events: JSON.parse(request.body) as Array<Record<string, unknown>>,
      });
      return { status: 200, body: '' };
    },
  };
}
