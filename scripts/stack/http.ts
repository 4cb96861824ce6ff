/**
 * JSON over HTTP, as the tests, the bench and the stack's readiness checks
 * speak to the gateway and the API.
 */

export interface JsonResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or the text when it is not JSON; left loosely typed: callers assert its shape. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface RequestInit {
  /** GET without a body, POST with one. */
  method?: string;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
}

export async function request(url: string, init: RequestInit = {}): Promise<JsonResponse> {
  const response = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.body === undefined ? {} : { 'Content-Type': 'application/json' }), ...init.headers },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text, so that an assertion or an error shows it
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * request(), failing with what came back unless it is `expected`: for the
 * steps that prepare a test or a measurement, whose failure is not the point.
 */
export async function requestExpecting<T>(url: string, init: RequestInit, expected: number): Promise<T> {
  const response = await request(url, init);
  if (response.status !== expected) {
    throw new Error(`${init.method ?? (init.body === undefined ? 'GET' : 'POST')} ${url} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return response.body as T;
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** Whether anything answers HTTP at `url`, whatever the status: a server is up. */
export async function answers(url: string, timeoutMs = 1000): Promise<boolean> {
  try {
    await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  }
}
