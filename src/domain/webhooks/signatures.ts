/**
 * HubSpot's request signatures (docs/decisions.md, "Webhooks"). Every delivery carries the
 * legacy header (v1, or v2 when the app asks for it) and v3 with its timestamp:
 *   v1: hex(sha256(clientSecret + body))
 *   v2: hex(sha256(clientSecret + method + uri + body))
 *   v3: base64(hmacSha256(clientSecret, method + uri + body + timestamp))
 * The body is signed exactly as sent: compact JSON, the bytes a receiver reads.
 */
import { createHash, createHmac } from 'node:crypto';

export function signatureV1(clientSecret: string, body: string): string {
  return createHash('sha256')
    .update(clientSecret + body)
    .digest('hex');
}

export function signatureV2(clientSecret: string, method: string, uri: string, body: string): string {
  return createHash('sha256')
    .update(clientSecret + method + uri + body)
    .digest('hex');
}

export function signatureV3(
  clientSecret: string,
  method: string,
  uri: string,
  body: string,
  timestamp: number,
): string {
  return createHmac('sha256', clientSecret)
    .update(method + uri + body + String(timestamp))
    .digest('base64');
}

/** The headers of one signed POST of `body` to `uri`. `timestamp`: wall-clock ms (receivers compare it with theirs). */
export function signedHeaders(
  clientSecret: string,
  version: 'v1' | 'v2',
  uri: string,
  body: string,
  timestamp: number,
): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-hubspot-signature':
      version === 'v1' ? signatureV1(clientSecret, body) : signatureV2(clientSecret, 'POST', uri, body),
    'x-hubspot-signature-version': version,
    'x-hubspot-signature-v3': signatureV3(clientSecret, 'POST', uri, body, timestamp),
    'x-hubspot-request-timestamp': String(timestamp),
  };
}
