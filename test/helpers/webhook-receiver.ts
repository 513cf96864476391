/**
 * A webhook receiver on loopback: a real HTTP server that records each POST (raw body,
 * headers, path) and answers as the test says. It counts requests in flight, so a test can
 * check the sender's concurrency limit.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly events: Array<Record<string, any>>;
}

/** How to answer one request: a status, or 'hang' to never answer (the sender times out). */
export type Answer = number | 'hang' | { status: number; delayMs: number };

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** Answers for the next requests, in order; after them, 200. */
  readonly answers: Answer[];
  /** The most requests that were in flight at once. */
  readonly maxInFlight: number;
  events(): Array<Record<string, any>>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hubspot/webhook'): Promise<Receiver> {
  const received: Received[] = [];
  const answers: Answer[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({
        path: request.url ?? '',
        headers: request.headers,
        body,
        events: JSON.parse(body) as Array<Record<string, any>>,
      });
      const answer = answers.shift() ?? 200;
      if (answer === 'hang') {
        response.on('close', () => inFlight--);
        return;
      }
      const { status, delayMs } = typeof answer === 'number' ? { status: answer, delayMs: 0 } : answer;
      setTimeout(() => {
        inFlight--;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    answers,
    get maxInFlight() {
      return maxInFlight;
    },
    events: () => received.flatMap((r) => r.events),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
