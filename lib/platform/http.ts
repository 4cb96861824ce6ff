import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import * as v from 'valibot';
import { clientAddress, trustedProxies } from './client-address';
import { AppError, DependencyError, describeError, ERROR_CODES, invalidRequest, UNAVAILABLE } from './errors';
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

/** How long before the function's own timeout it answers for itself. */
const DEADLINE_MARGIN_MS = 1000;

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const field = v.getDotPath(issue);
  return field ? `${field}: ${issue.message}` : issue.message;
}

/** Whether the body is an HTML form post (application/x-www-form-urlencoded). */
export const isFormPost = (event: Event): boolean => FORM_CONTENT_TYPE.test(event.headers['content-type'] ?? '');

/** JSON.parse's complaint without the text it quotes: its position at most. */
function bodyFreeSyntaxError(error: unknown): SyntaxError {
  const position = error instanceof Error ? /\bat position (\d+)/.exec(error.message)?.[1] : undefined;
  return new SyntaxError(position === undefined ? 'JSON.parse failed' : `JSON.parse failed at position ${position}`);
}

/** The raw body, present, within the size limit, and of a content type the route takes (`expected` names them). */
function rawBody(event: Event, accepted: boolean, expected: string): string {
  const raw = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
  if (!raw) throw invalidRequest('Request body is required');
  if (Buffer.byteLength(raw) > MAX_BODY_BYTES) throw invalidRequest(`Request body must not exceed ${MAX_BODY_BYTES} bytes`);
  if (!accepted) throw invalidRequest(`Content-Type must be ${expected}`);
  return raw;
}

/**
 * URLSearchParams decodes leniently, as the WHATWG URL standard tells it to: a
 * broken escape (`%zz`, `%E0%A4`) comes through as literal text or U+FFFD
 * instead of failing, and querystring and qs do the same; none has a strict
 * mode. A body a client mangled is refused here rather than read as some
 * other value.
 */
function isWellFormedForm(raw: string): boolean {
  try {
    for (const pair of raw.split('&')) decodeURIComponent(pair.replace(/\+/g, ' '));
    return true;
  } catch {
    return false;
  }
}

/** Form fields as an object of strings; a field given twice is refused rather than guessed at (RFC 6749 §3.1, §3.2). */
function formFields(raw: string): Record<string, string> {
  if (!isWellFormedForm(raw)) throw invalidRequest('Request body is not valid application/x-www-form-urlencoded');
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    if (Object.hasOwn(fields, name)) throw invalidRequest(`${name}: must not be repeated`);
    fields[name] = value;
  }
  return fields;
}

/**
 * The request body as an object: a JSON object sent as application/json, or,
 * when `forms` allows it, an HTML form post.
 */
export function readBody(event: Event, { forms = false } = {}): Record<string, unknown> {
  const form = forms && isFormPost(event);
  const isJson = JSON_CONTENT_TYPE.test(event.headers['content-type'] ?? '');
  const raw = rawBody(event, form || isJson, forms ? 'application/json or application/x-www-form-urlencoded' : 'application/json');
  if (form) return formFields(raw);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    // Not the SyntaxError itself as the cause: V8's message quotes the body
    // (a password with it), and causes are logged. Where it broke is enough.
    throw invalidRequest('Request body is not valid JSON', bodyFreeSyntaxError(error));
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest('Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

/** An OAuth-style form body (RFC 7662, 7009, 6749 §3.2), and nothing else. */
export const readForm = (event: Event) => formFields(rawBody(event, isFormPost(event), 'application/x-www-form-urlencoded'));

/** `value` checked against `schema`, or a 400 naming the first thing wrong. */
export function validate<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) throw invalidRequest(describeIssue(result.issues[0]));
  return result.output;
}

/** Reads a request body with `read` and validates it against `schema`, answering 400 with what is wrong. */
function body(schema: v.GenericSchema, read: (event: Event) => unknown): middy.MiddlewareObj<Event> {
  return {
    before: ({ event }) => {
      (event as { body: unknown }).body = validate(schema, read(event));
    },
  };
}

/** What a route's error bodies carry besides `{"code","message"}`. */
interface ErrorShape {
  /**
   * OAuth endpoints (token refresh, revocation, introspection): also the
   * names OAuth client libraries read, `error` and `error_description`
   * (RFC 6749 §5.2, RFC 7009 §2.2.1), with the same values.
   */
  oauth?: boolean;
}

const SERVER_ERROR = { code: 'server_error', ...ERROR_CODES.server_error } as const;

/** An error answer, `{"code","message"}` (and the OAuth names where the route takes them). */
function errorResponse(
  { oauth = false }: ErrorShape,
  status: number,
  code: string,
  message: string,
  headers: Readonly<Record<string, string>> = {},
  details: Readonly<Record<string, unknown>> = {},
): Response {
  return json(status, oauth ? { ...details, code, message, error: code, error_description: message } : { ...details, code, message }, headers);
}

/** The one mapping from errors to `{"code","message"}` responses; causes go to the log only. */
function errorResponses(shape: ErrorShape): middy.MiddlewareObj<Event, Response> {
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
      const { status, code, message } = error instanceof AppError ? error : SERVER_ERROR;
      request.response = errorResponse(shape, status, code, message, error instanceof AppError ? error.headers : {}, error instanceof AppError ? error.details : {});
    },
  };
}

export function header(event: Event, name: string): string | undefined {
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === name) return value ?? undefined;
  return undefined;
}

/** Who is calling, as the gateway saw them: what throttling keys on and sessions remember. */
export interface Client {
  /** Undefined only when the function was invoked without a gateway (in-process tests). */
  address?: string;
  userAgent?: string;
}

/** A header's lines, any spelling of its name: from multiValueHeaders (Kong sends both), else headers. */
function headerLines(event: Event, name: string): string[] {
  for (const [key, values] of Object.entries(event.multiValueHeaders ?? {})) {
    if (key.toLowerCase() === name && Array.isArray(values) && values.length > 0) return values.filter((value) => typeof value === 'string');
  }
  const value = header(event, name);
  return value === undefined ? [] : [value];
}

/**
 * The caller's address. Kong's aws-lambda plugin puts the TCP peer in
 * requestContext.identity.sourceIp (nginx's $realip_remote_addr, before
 * trusted_ips apply), which behind a load balancer is the balancer; so when
 * that peer is one of TRUSTED_PROXIES (Kong's trusted_ips), the client is the
 * right-most X-Forwarded-For entry that is not a trusted proxy
 * (client-address.ts). From any other peer no header the client sends
 * (X-Forwarded-For, X-Real-IP) counts.
 */
export function clientOf(event: Event): Client {
  const peer = event.requestContext?.identity?.sourceIp;
  const address = peer ? clientAddress(peer, headerLines(event, 'x-forwarded-for'), trustedProxies()) : undefined;
  return { address, userAgent: header(event, 'user-agent')?.slice(0, 256) || undefined };
}

/**
 * The ids that tie a log line to one request: Lambda's own, and the gateway's
 * (Kong's X-Kong-Request-Id, which its aws-lambda plugin also hands over as
 * requestContext.requestId), and the client's address.
 */
function requestIds(event: Event, context: Context) {
  return {
    lambdaRequestId: context?.awsRequestId,
    gatewayRequestId: header(event, 'x-kong-request-id') ?? event.requestContext?.requestId,
    clientAddress: clientOf(event).address,
  };
}

type Handler<Body> = (event: Event & { body: Body }) => Promise<Response>;

function withDefaults(shape: ErrorShape = {}) {
  // No early-timeout signal: handlers don't use it, and creating it costs more than the rest of middy.
  return middy<Event, Response>({ timeoutEarlyInMillis: 0 }).use(httpHeaderNormalizer()).use(errorResponses(shape));
}

type Lambda = (event: Event, context: Context) => Promise<Response>;

/**
 * Answers 503 with Retry-After shortly before the function would time out.
 * Killed by its timeout, a function answers nothing the gateway can use (Kong
 * turns it into a 502); a burst that starves it of CPU (many cold starts on a
 * small machine, a slow dependency) must get an answer that says to come back.
 * The work may still finish: retries are safe (idempotent signup, refresh
 * repeats within the grace), as for any request whose answer was lost.
 * middy's own early timeout would do this too, but makes an AbortController
 * per call that nothing here uses.
 */
function withDeadline(run: Lambda, shape: ErrorShape): Lambda {
  return async (event, context) => {
    const remaining = context?.getRemainingTimeInMillis?.();
    if (!remaining) return run(event, context);
    // Time the request spent before this handler started (queued behind others
    // in a busy environment) counts against the caller's patience too.
    const requestTime = event.requestContext?.requestTimeEpoch;
    const waited = requestTime ? Math.min(Math.max(0, Date.now() - requestTime), remaining) : 0;
    let timer: NodeJS.Timeout | undefined;
    const shed = new Promise<Response>((resolve) => {
      timer = setTimeout(() => {
        log.warn('answering 503 before the function times out', { remainingMs: DEADLINE_MARGIN_MS });
        resolve(errorResponse(shape, UNAVAILABLE.status, UNAVAILABLE.code, UNAVAILABLE.message, { 'Retry-After': '1' }));
      }, Math.max(0, remaining - waited - DEADLINE_MARGIN_MS));
    });
    try {
      return await Promise.race([run(event, context), shed]);
    } finally {
      clearTimeout(timer);
    }
  };
}

/**
 * Routes with cors in kong.yml take OPTIONS so that Kong can answer browsers'
 * preflights; an OPTIONS that is not a preflight (no Origin or no
 * Access-Control-Request-Method) goes on to the function. It must not act as
 * the route's POST would: it learns nothing and changes nothing.
 */
const optionsAnswer = (): Response => ({ statusCode: 204, headers: { 'Cache-Control': 'no-store' }, body: '' });

// header-normalizer's types add fields to the event that it only fills in at run time.
function withIds(handler: unknown, shape: ErrorShape = {}): Lambda {
  const run = withDeadline(handler as Lambda, shape);
  return (event, context) =>
    event.httpMethod === 'OPTIONS' ? Promise.resolve(optionsAnswer()) : withRequestIds(requestIds(event, context), () => run(event, context));
}

/** A route without a body: header normalisation and error mapping. */
export function route(handler: Handler<string | null>) {
  return withIds(withDefaults().handler(handler as (event: Event) => Promise<Response>));
}

/** A route whose body `read` takes from the event, validated against `schema` before `handler` runs. */
function bodyRoute<S extends v.GenericSchema>(schema: S, read: (event: Event) => unknown, handler: Handler<v.InferOutput<S>>, shape: ErrorShape = {}) {
  return withIds(
    withDefaults(shape)
      .use(body(schema, read))
      .handler((event) => handler(event as unknown as Event & { body: v.InferOutput<S> })),
    shape,
  );
}

const OAUTH: ErrorShape = { oauth: true };

/** A route taking a JSON body, validated against `schema` before `handler` runs. */
export function jsonRoute<S extends v.GenericSchema>(schema: S, handler: Handler<v.InferOutput<S>>) {
  return bodyRoute(schema, (event) => readBody(event), handler);
}

/** A route taking an application/x-www-form-urlencoded body alone (RFC 7662 introspection), validated against `schema`; OAuth error names. */
export function formRoute<S extends v.GenericSchema>(schema: S, handler: Handler<v.InferOutput<S>>) {
  return bodyRoute(schema, readForm, handler, OAUTH);
}

/**
 * An OAuth endpoint that began as a JSON route (refresh, revocation): a JSON
 * body as before, or the form body OAuth client libraries send (RFC 6749
 * §6, RFC 7009 §2.1), both validated against `schema`; OAuth error names.
 */
export function oauthRoute<S extends v.GenericSchema>(schema: S, handler: Handler<v.InferOutput<S>>) {
  return bodyRoute(schema, (event) => readBody(event, { forms: true }), handler, OAUTH);
}
