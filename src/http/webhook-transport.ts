/**
 * How webhook deliveries leave the process: an HTTP POST with fetch, given up on after the
 * timeout (HubSpot's 5 s). Redirects are not followed: a 3xx is the target's answer, and a
 * failure like any other non-2xx. Only the first few KB of the answer are read (the attempt
 * log keeps 2,000 characters); the rest is cancelled, so a receiver that answers with a huge
 * or endless body costs neither memory nor the timeout.
 */
import type {
  WebhookRequest,
  WebhookResponse,
  WebhookTransport,
} from '../domain/webhooks/webhook-dispatcher.js';

export const httpTransport: WebhookTransport = async (request: WebhookRequest): Promise<WebhookResponse> => {
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    redirect: 'manual',
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  return { status: response.status, body: await readStart(response, MAX_RESPONSE_BYTES) };
};

/** The most bytes of a receiver's answer read. */
export const MAX_RESPONSE_BYTES = 8_192;

/** The first `max` bytes of the body (as text); the rest is never read, and the stream cancelled. */
async function readStart(response: Response, max: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < max) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, max));
}

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
