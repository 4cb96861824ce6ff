// What plugins see of a proxied request, and how they end it early.
import type { IncomingMessage } from 'node:http';
import type { ServiceConfig } from './config';
import type { Consumer, JwtCredential } from './store';

export interface RequestContext {
  req: IncomingMessage;
  requestId: string;
  /** The normalized request path, as routes match it. */
  path: string;
  /** The raw query string, without '?'. */
  query: string;
  clientIp: string;
  service: ServiceConfig;
  consumer?: Consumer;
  credential?: JwtCredential;
  /** Headers added to whatever response the client gets. */
  responseHeaders: Record<string, string | number>;
}

/** A response the gateway sends instead of proxying. */
export interface Exit {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string | number>;
}

export interface Plugin {
  access(ctx: RequestContext): Exit | undefined;
}

/** The body of kong.response.error(): a message and the request id (Kong 3.5+). */
export function kongError(message: string, requestId: string): Record<string, unknown> {
  return { message, request_id: requestId };
}
