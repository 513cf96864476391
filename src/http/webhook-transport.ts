/**
 * How webhook deliveries leave the process: an HTTP POST with fetch, given up on after the
 * timeout (HubSpot's 5 s). Redirects are not followed: a 3xx is the target's answer, and a
 * failure like any other non-2xx.
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
  const body = await response.text();
  return { status: response.status, body };
};

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
