/**
 * Raw HTTP against a test server, for assertions on exact status, headers and JSON.
 */
import { contractChecker } from './contract.js';
export interface HttpResult<T = any> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

export interface RequestOptions {
  body?: unknown;
  /** A raw body string, sent as is. */
  raw?: string;
  headers?: Record<string, string>;
  /** Leave out the Authorization header. */
  anonymous?: boolean;
}

export interface ClientOptions {
  /**
   * Validate every response against HubSpot's spec here, in the client. For servers in
   * another process; in-process test servers check on the server side.
   */
  contract?: boolean;
}

export function client(baseUrl: string, token = 'test-token', clientOptions: ClientOptions = {}) {
  async function request<T = any>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (!options.anonymous) headers.authorization ??= `Bearer ${token}`;
    let body: string | undefined;
    if (options.raw !== undefined) body = options.raw;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      ...(body !== undefined && { body }),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
    }
    if (clientOptions.contract) {
      const problems = contractChecker().check(
        method,
        path,
        response.status,
        response.headers.get('content-type') ?? undefined,
        text,
      );
      if (problems.length > 0)
        throw new Error(`${method} ${path} broke the HubSpot contract: ${problems.join('; ')}`);
    }
    return { status: response.status, headers: response.headers, text, body: parsed as T };
  }
  return {
    request,
    get: <T = any>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
    post: <T = any>(path: string, body?: unknown, options?: RequestOptions) =>
      request<T>('POST', path, { ...options, body }),
    put: <T = any>(path: string, body?: unknown, options?: RequestOptions) =>
      request<T>('PUT', path, { ...options, body }),
    patch: <T = any>(path: string, body?: unknown, options?: RequestOptions) =>
      request<T>('PATCH', path, { ...options, body }),
    delete: <T = any>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
  };
}

export type Client = ReturnType<typeof client>;
