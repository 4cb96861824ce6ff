/**
 * Calling a handler in-process, as serverless-offline and Kong's aws-lambda
 * plugin call it: for the handler tests and the bench's round-trip count,
 * which need no API server, only the stack's DynamoDB Local and Admin API.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

export type Handler = (event: never, context: Context) => Promise<APIGatewayProxyResult>;

export interface EventInit {
  /** Sent as JSON. */
  body?: unknown;
  /** A raw body, sent as is (for malformed input). */
  rawBody?: string;
  headers?: Record<string, string>;
  /** The client's address, as Kong's aws-lambda plugin hands it over (requestContext.identity.sourceIp). */
  sourceIp?: string;
}

/** An API Gateway (REST, payload 1.0) event. */
export function apiEvent(method: string, path: string, { body, rawBody, headers = {}, sourceIp }: EventInit = {}): APIGatewayProxyEvent {
  const hasBody = body !== undefined || rawBody !== undefined;
  return {
    httpMethod: method,
    path,
    resource: path,
    headers: { ...(hasBody ? { 'Content-Type': 'application/json' } : {}), ...headers },
    multiValueHeaders: {},
    body: rawBody ?? (body === undefined ? null : JSON.stringify(body)),
    isBase64Encoded: false,
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    requestContext: (sourceIp ? { identity: { sourceIp } } : {}) as APIGatewayProxyEvent['requestContext'],
  };
}

const context = { functionName: 'local', awsRequestId: 'local', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

/** Invokes a handler and parses its JSON body. */
export async function invoke(handler: Handler, event: APIGatewayProxyEvent) {
  const response = await handler(event as never, context);
  return { status: response.statusCode, headers: response.headers ?? {}, body: JSON.parse(response.body) };
}

/** Every Set-Cookie line of an answer: several come in multiValueHeaders (a sign-in's session and device cookies). */
export async function invokeForCookies(handler: Handler, event: APIGatewayProxyEvent) {
  const response = await handler(event as never, context);
  const cookies = [response.headers?.['Set-Cookie'], ...(response.multiValueHeaders?.['Set-Cookie'] ?? [])].filter((c) => c !== undefined).map(String);
  return { status: response.statusCode, cookies, body: JSON.parse(response.body) };
}
