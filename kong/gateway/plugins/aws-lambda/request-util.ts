// kong/plugins/aws-lambda/request-util.lua (3.9): the API Gateway (payload 1.0)
// event Kong builds from the request, and how it reads a proxy-integration
// answer. Strings are byte strings (latin1), as nginx and Lua hold them, so
// the bytes Lambda gets and the client gets back are the ones Kong would send.
import { decode, formatNumber, type LuaTable, type LuaValue } from '../../core/cjson';
import { uriArgs } from '../../core/args';
import { PluginError, type RequestContext } from '../../core/plugin';
import { isRecord } from '../../core/util';

/** ngx.req.get_headers() and get_uri_args() stop at 100 entries. */
const MAX_ENTRIES = 100;

// nginx keeps a body in memory while it fits client_body_buffer_size (8k, a
// quarter more for a body of known length); a larger one goes to a temp file,
// which skip_large_bodies leaves out. Part of a body can arrive with the
// headers and count less, so near 10 KiB real Kong may keep what this drops.
const BUFFER_SIZE = 8192;
const KNOWN_LENGTH_LIMIT = BUFFER_SIZE + BUFFER_SIZE / 4;

/** The request body as the plugin gets it: null when there is none, or it was too large and skipped. */
export async function readBody(ctx: RequestContext, skipLargeBodies: boolean): Promise<Buffer | null> {
  const declared = ctx.headers.get('content-length');
  const body = await ctx.readBody();
  const skipped = skipLargeBodies && (declared !== undefined ? Number(declared) >= KNOWN_LENGTH_LIMIT : body.length > BUFFER_SIZE);
  // ngx.req.get_body_data() has nothing for an empty body either.
  return skipped || body.length === 0 ? null : body;
}

/** First value and all values per name, as request-util.lua splits what nginx returns. */
function firstAndAll<V>(entries: Iterable<readonly [string, V]>): [Record<string, V>, Record<string, V[]>] {
  const first: Record<string, V> = Object.create(null) as Record<string, V>;
  const all: Record<string, V[]> = Object.create(null) as Record<string, V[]>;
  for (const [name, value] of entries) {
    if (Object.hasOwn(all, name)) {
      all[name].push(value);
    } else {
      all[name] = [value];
      first[name] = value;
    }
  }
  return [first, all];
}

/** nginx's $host: the Host header without its port or a trailing dot, lower case ("kong" without one). */
function hostName(host: string | undefined): string {
  if (!host) return 'kong';
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return name.replace(/\.$/, '').toLowerCase();
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => String(n).padStart(2, '0');

/** The CLF time Kong writes (luadate): the UTC clock, followed by the host's own zone offset. */
function clfTime(ms: number): string {
  const d = new Date(ms);
  const offset = -d.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${two(Math.floor(Math.abs(offset) / 60))}${two(Math.abs(offset) % 60)}`;
  return `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} ${zone}`;
}

/** HTTP/1.0 shows as "HTTP/1": Lua prints the version number 1.0 as 1. */
const protocol = (version: string) => `HTTP/${version.replace(/\.0$/, '')}`;

/** aws_serializer: the event with awsgateway_compatible, from the request as the earlier plugins left it. */
export function awsGatewayEvent(ctx: RequestContext, body: Buffer | null, base64EncodeBody: boolean): Record<string, unknown> {
  const [headers, multiValueHeaders] = firstAndAll(ctx.headers.all().slice(0, MAX_ENTRIES));
  const [queryStringParameters, multiValueQueryStringParameters] = firstAndAll(uriArgs(ctx.query));
  const path = ctx.upstreamPath;
  // $host comes from the Host the client sent, whatever plugins set since.
  const domainName = hostName(ctx.req.headers.host);
  const encoded = base64EncodeBody && body !== null ? body.toString('base64') : base64EncodeBody ? '' : body?.toString('latin1');
  return {
    version: '1.0',
    path,
    httpMethod: ctx.req.method,
    headers,
    multiValueHeaders,
    // Named captures of a regex route path; the local gateway has no regex paths.
    pathParameters: {},
    queryStringParameters,
    multiValueQueryStringParameters,
    body: encoded,
    isBase64Encoded: base64EncodeBody,
    requestContext: {
      path,
      protocol: protocol(ctx.req.httpVersion),
      httpMethod: ctx.req.method,
      domainName,
      domainPrefix: domainName.split('.')[0],
      identity: { sourceIp: ctx.peerIp, userAgent: headers['user-agent'] },
      requestId: ctx.requestId,
      requestTime: clfTime(ctx.startedAt),
      requestTimeEpoch: ctx.startedAt,
      resourcePath: path,
    },
  };
}

/** A header value as kong.response.exit takes it: a string, or the lines of a repeated header. */
export type HeaderValue = string | string[];

export interface ProxyResponse {
  status: number;
  /** The answer's own headers, in the order a later one overrides an earlier one. */
  headers: [string, LuaValue][];
  body: Buffer;
}

/** A Lua runtime error in Kong's code for this input: the request ends in a 500. */
export class LuaError extends PluginError {}

const isTable = (value: unknown): value is LuaTable | LuaValue[] => typeof value === 'object' && value !== null;

/** validate_http_status_code: Lua's tonumber for strings, 100..599; comparing a non-number raises. */
function statusCode(value: LuaValue | undefined): number | null {
  if (value === undefined || value === false) return null;
  let code: number;
  if (typeof value === 'string') {
    const text = value.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
    if (/^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text)) code = Number(text);
    else if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(text)) code = (text.startsWith('-') ? -1 : 1) * parseInt(text.replace(/^[+-]?0[xX]/, ''), 16);
    else return null;
  } else if (typeof value === 'number') {
    code = value;
  } else {
    throw new LuaError(`attempt to compare ${value === null ? 'userdata' : typeof value} with number`);
  }
  return code >= 100 && code <= 599 ? code : null;
}

/** ngx.decode_base64: standard alphabet, stops at '=', refuses other characters and impossible lengths. */
function decodeBase64(text: string): Buffer | null {
  const end = text.indexOf('=');
  const data = end === -1 ? text : text.slice(0, end);
  if (!/^[A-Za-z0-9+/]*$/.test(data) || data.length % 4 === 1) return null;
  return Buffer.from(data, 'base64');
}

/**
 * extract_proxy_response: the status, headers and body of a proxy-integration
 * answer, or why it is not one (the reason Kong puts in its 502).
 */
export function extractProxyResponse(content: LuaValue | undefined): ProxyResponse | { error: string } {
  let response: LuaValue;
  if (typeof content === 'string') {
    const decoded = decode(content);
    if (!decoded.ok) return { error: decoded.error };
    // `false` decodes to a value Lua treats as failure, with no message to concatenate.
    if (decoded.value === false) throw new LuaError('attempt to concatenate a nil value');
    response = decoded.value;
  } else if (isTable(content)) {
    response = content;
  } else {
    return { error: 'proxy response must be json format' };
  }
  if (typeof response === 'number' || typeof response === 'boolean' || response === null) {
    throw new LuaError(`attempt to index a ${response === null ? 'userdata' : typeof response} value`);
  }
  // Strings and arrays have no such fields: only an object can pass.
  const get = (name: string): LuaValue | undefined => (isRecord(response) && Object.hasOwn(response, name) ? response[name] : undefined);

  const status = statusCode(get('statusCode'));
  if (status === null) return { error: 'statusCode validation failed' };
  const headers = get('headers');
  if (headers !== undefined && !isTable(headers)) return { error: 'headers must be a table' };
  const rawBody = get('body');
  if (rawBody !== undefined && typeof rawBody !== 'string') return { error: 'body must be a string' };
  const isBase64Encoded = get('isBase64Encoded');
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') return { error: 'isBase64Encoded must be a boolean' };

  let body: Buffer = Buffer.from(rawBody ?? '', 'latin1');
  if (isBase64Encoded === true) {
    const decoded = decodeBase64(rawBody ?? '');
    if (decoded === null) throw new LuaError('attempt to get length of a nil value');
    body = decoded;
  }
  const merged: [string, LuaValue][] = [];
  const addAll = (table: LuaTable | LuaValue[]) => {
    // An array's keys are numbers, which no header name may be.
    if (Array.isArray(table)) {
      if (table.length > 0) throw new LuaError('invalid header name: got number, expected string');
      return;
    }
    for (const [name, value] of Object.entries(table)) merged.push([name, value]);
  };
  if (headers !== undefined) addAll(headers as LuaTable | LuaValue[]);
  const multiValueHeaders = get('multiValueHeaders');
  if (multiValueHeaders !== undefined && multiValueHeaders !== false && multiValueHeaders !== null) {
    if (!isTable(multiValueHeaders)) throw new LuaError(`bad argument #1 to 'pairs' (table expected, got ${typeof multiValueHeaders})`);
    addAll(multiValueHeaders);
  }
  return { status: Math.trunc(status), headers: merged, body };
}

/**
 * validate_header and normalize_multi_header: what kong.response.exit does to
 * a header value. Numbers and booleans are printed; "" becomes " " (nginx
 * would drop it); a table that is not a list of strings clears the header
 * (an object) or raises (anything else in a list).
 */
export function headerValue(name: string, value: LuaValue): HeaderValue {
  if (typeof value === 'string') return value === '' ? ' ' : value;
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    return value.map((item) => {
      if (typeof item !== 'string') throw new LuaError(`invalid header value in array "${name}": got ${typeof item}, expected string`);
      return item === '' ? ' ' : item;
    });
  }
  if (value === null) throw new LuaError(`invalid header value for "${name}": got userdata, expected string, number, boolean or array of strings`);
  return [];
}
