import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import * as v from 'valibot';
import { BadRequestError, DependencyError, HttpError } from './errors';
import { log } from './log';

/** Credentials and tokens are small; anything bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 4096;

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;

export type Event = APIGatewayProxyEvent;

export function json(statusCode: number, body: unknown): APIGatewayProxyResult {
  return {
    statusCode,
    // Responses carry tokens: never cache them (RFC 6749 §5.1).
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: JSON.stringify(body),
  };
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const field = v.getDotPath(issue);
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** Parses and validates a JSON request body, answering 400 with what is wrong. */
function jsonBody(schema: v.GenericSchema): middy.MiddlewareObj<Event> {
  return {
    before: ({ event }) => {
      const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
      if (!raw) throw new BadRequestError('Request body is required');
      if (Buffer.byteLength(raw) > MAX_BODY_BYTES) {
        throw new BadRequestError(`Request body must not exceed ${MAX_BODY_BYTES} bytes`);
      }
      if (!JSON_CONTENT_TYPE.test(event.headers['content-type'] ?? '')) {
        throw new BadRequestError('Content-Type must be application/json');
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(raw);
      } catch {
        throw new BadRequestError('Request body is not valid JSON');
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new BadRequestError('Request body must be a JSON object');
      }
      const result = v.safeParse(schema, parsed);
      if (!result.success) throw new BadRequestError(describeIssue(result.issues[0]));
      (event as { body: unknown }).body = result.output;
    },
  };
}

/** The one mapping from errors to `{"message"}` responses; internals go to the log only. */
function errorResponses(): middy.MiddlewareObj<Event, APIGatewayProxyResult> {
  return {
    onError: (request) => {
      const httpError = request.error instanceof HttpError ? request.error : undefined;
      if (httpError instanceof DependencyError) {
        log.warn('dependency unavailable', { dependency: httpError.dependency, detail: httpError.detail });
      } else if (!httpError) {
        log.error('unhandled error', { error: request.error?.name, detail: request.error?.message });
      }
      request.response = httpError
        ? json(httpError.statusCode, { message: httpError.message })
        : json(500, { message: 'Internal server error' });
    },
  };
}

type Handler<Body> = (event: Event & { body: Body }) => Promise<APIGatewayProxyResult>;

function withDefaults() {
  // No early-timeout signal: handlers don't use it, and creating it costs more than the rest of middy.
  return middy<Event, APIGatewayProxyResult>({ timeoutEarlyInMillis: 0 })
    .use(httpHeaderNormalizer())
    .use(errorResponses());
}

/** A route without a body: header normalisation and error mapping. */
export function route(handler: Handler<string | null>) {
  return withDefaults().handler(handler as (event: Event) => Promise<APIGatewayProxyResult>);
}

/** A route taking a JSON body, validated against `schema` before `handler` runs. */
export function jsonRoute<S extends v.GenericSchema>(schema: S, handler: Handler<v.InferOutput<S>>) {
  return withDefaults()
    .use(jsonBody(schema))
    .handler((event) => handler(event as unknown as Event & { body: v.InferOutput<S> }));
}
