import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as v from 'valibot';
import { AppError, DependencyError, describeError, invalidRequest } from './errors';
import { log, withRequestIds } from './log';

/** Credentials and tokens are small; anything bigger is a mistake or an attack. */
export const MAX_BODY_BYTES = 4096;

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;
const FORM_CONTENT_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;

export type Event = APIGatewayProxyEvent;
export type Response = APIGatewayProxyResult;

/** A JSON answer; `headers` may replace the defaults (a public document's Cache-Control). */
export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): Response {
  return {
    statusCode,
    // Responses carry tokens: never cache them (RFC 6749 §5.1).
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers },
    body: JSON.stringify(body),
  };
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const field = v.getDotPath(issue);
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** The raw body, present and within the size limit, of the content type a route takes. */
function rawBody(event: Event, contentType: RegExp, name: string): string {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
  if (!raw) throw invalidRequest('Request body is required');
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw invalidRequest(`Request body must not exceed ${MAX_BODY_BYTES} bytes`);
  if (!contentType.test(event.headers['content-type'] ?? '')) throw invalidRequest(`Content-Type must be ${name}`);
  return raw;
}

/** Parses a request body with `parse` and validates it against `schema`, answering 400 with what is wrong. */
function body(schema: v.GenericSchema, parse: (event: Event) => unknown): middy.MiddlewareObj<Event> {
  return {
    before: ({ event }) => {
      const result = v.safeParse(schema, parse(event));
      if (!result.success) throw invalidRequest(describeIssue(result.issues[0]));
      (event as { body: unknown }).body = result.output;
    },
  };
}

function parseJson(event: Event): unknown {
  const raw = rawBody(event, JSON_CONTENT_TYPE, 'application/json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    throw invalidRequest('Request body is not valid JSON', error);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('Request body must be a JSON object');
  }
  return parsed;
}

/** An OAuth-style form body (RFC 6749 §3.1: no parameter twice) as an object of strings. */
function parseForm(event: Event): unknown {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawBody(event, FORM_CONTENT_TYPE, 'application/x-www-form-urlencoded'))) {
    if (Object.hasOwn(fields, name)) throw invalidRequest(`${name}: must not be repeated`);
    fields[name] = value;
  }
  return fields;
}

/** The one mapping from errors to `{"code","message"}` responses; causes go to the log only. */
function errorResponses(): middy.MiddlewareObj<Event, Response> {
  return {
    onError: (request) => {
      const error = request.error;
      if (error instanceof DependencyError) {
        log.warn('dependency unavailable', { dependency: error.dependency, ...describeError(error) });
      } else if (error instanceof AppError) {
        log.debug('request refused', { status: error.status, code: error.code, ...describeError(error.cause) });
      } else {
        log.error('unhandled error', describeError(error));
      }
      request.response =
        error instanceof AppError
          ? json(error.status, { code: error.code, message: error.message })
          : json(500, { code: 'server_error', message: 'Internal server error' });
    },
  };
}

function header(event: Event, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value ?? undefined;
  return undefined;
}

/**
 * The ids that tie a log line to one request: Lambda's own, and the gateway's
 * (Kong's X-Kong-Request-Id, which its aws-lambda plugin also hands over as
 * requestContext.requestId).
 */
function requestIds(event: Event, context: Context) {
  return {
    lambdaRequestId: context?.awsRequestId,
    gatewayRequestId: header(event, 'x-kong-request-id') ?? event.requestContext?.requestId,
  };
}

type Handler<Body> = (event: Event & { body: Body }) => Promise<Response>;

function withDefaults() {
  // No early-timeout signal: handlers don't use it, and creating it costs more than the rest of middy.
  return middy<Event, Response>({ timeoutEarlyInMillis: 0 }).use(httpHeaderNormalizer()).use(errorResponses());
}

type Lambda = (event: Event, context: Context) => Promise<Response>;

// header-normalizer's types add fields to the event that it only fills in at run time.
function withIds(handler: unknown): Lambda {
  const run = handler as Lambda;
  return (event, context) => withRequestIds(requestIds(event, context), () => run(event, context));
}

/** A route without a body: header normalisation and error mapping. */
export function route(handler: Handler<string | null>) {
  return withIds(withDefaults().handler(handler as (event: Event) => Promise<Response>));
}

/** A route taking a JSON body, validated against `schema` before `handler` runs. */
export function jsonRoute<S extends v.GenericSchema>(schema: S, handler: Handler<v.InferOutput<S>>) {
  return withIds(
    withDefaults()
      .use(body(schema, parseJson))
      .handler((event) => handler(event as unknown as Event & { body: v.InferOutput<S> })),
  );
}

/** A route taking an application/x-www-form-urlencoded body (OAuth endpoints such as RFC 7662's), validated against `schema`. */
export function formRoute<S extends v.GenericSchema>(schema: S, handler: Handler<v.InferOutput<S>>) {
  return withIds(
    withDefaults()
      .use(body(schema, parseForm))
      .handler((event) => handler(event as unknown as Event & { body: v.InferOutput<S> })),
  );
}
