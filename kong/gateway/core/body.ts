// Request bodies as Kong's PDK reads and rewrites them (kong.request.get_body,
// kong.service.request.set_body): urlencoded forms, JSON and multipart
// forms, the three types Kong knows. Multipart bodies are parsed with busboy;
// JSON with the cjson decoder, so values are what a Lua plugin would get.
import type { IncomingHttpHeaders } from 'node:http';
import busboy from 'busboy';
import { argsTable, escapeArg, uriArgs, type ArgValue } from './args';
import { decode as cjsonDecode, encode as cjsonEncode, type LuaValue } from './cjson';
import { isRecord } from './util';

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';
const MULTIPART = 'multipart/form-data';

/**
 * The fields of a multipart/form-data body, in order; a file part counts by
 * its content. A body that does not parse has none. Values are text for the
 * Admin API, byte strings (latin1) for plugins, as Lua holds them.
 */
export function multipartFields(headers: IncomingHttpHeaders, body: Buffer, charset: 'utf8' | 'latin1' = 'latin1'): Promise<[string, string][]> {
  return new Promise((resolve) => {
    const fields: [string, string][] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers, defCharset: charset, defParamCharset: 'utf8' });
    } catch {
      resolve([]);
      return;
    }
    parser.on('field', (name, value) => fields.push([name, value]));
    parser.on('file', (name, stream) => {
      const parts: Buffer[] = [];
      stream.on('data', (part: Buffer) => parts.push(part));
      stream.on('end', () => fields.push([name, Buffer.concat(parts).toString(charset)]));
    });
    parser.on('close', () => resolve(fields));
    parser.on('error', () => resolve([]));
    parser.end(body);
  });
}

/** A decoded body: which of Kong's types it was read as, and its top-level fields. */
export interface DecodedBody {
  mime: typeof FORM | typeof JSON_TYPE | typeof MULTIPART;
  fields: Map<string, ArgValue | LuaValue>;
  /** The JSON value as decoded, to write back without a field. */
  json?: LuaValue;
}

/** The media type without parameters, lower-cased. */
const bareType = (contentType: string) => contentType.split(';', 1)[0].trim().toLowerCase();

/**
 * kong.request.get_body(): null when there is no Content-Type, it is none of
 * the three, or the body does not decode (a JSON body must be an object or array).
 */
export async function decodeBody(contentType: string | undefined, raw: Buffer, headers: IncomingHttpHeaders): Promise<DecodedBody | null> {
  if (contentType === undefined) return null;
  const type = bareType(contentType);
  if (type.startsWith(FORM)) return { mime: FORM, fields: argsTable(uriArgs(raw.toString('latin1'))) };
  if (type.startsWith(JSON_TYPE)) {
    const decoded = cjsonDecode(raw.toString('latin1'));
    if (!decoded.ok || typeof decoded.value !== 'object' || decoded.value === null) return null;
    const fields = new Map<string, LuaValue>(isRecord(decoded.value) ? Object.entries(decoded.value) : []);
    return { mime: JSON_TYPE, fields, json: decoded.value };
  }
  if (type.startsWith(MULTIPART)) {
    const entries = await multipartFields({ ...headers, 'content-type': contentType }, raw);
    return { mime: MULTIPART, fields: argsTable(entries) };
  }
  return null;
}

/** Raised where Kong's set_body raises (a value its encoder cannot write): the plugin fails with a 500. */
export class BodyEncodingError extends Error {}

/**
 * kong.service.request.set_body(fields) with the request's own Content-Type:
 * the new body, and the Content-Type to send with it.
 */
export function encodeBody(body: DecodedBody, contentType: string): { raw: Buffer; contentType: string } {
  if (body.mime === FORM) {
    // make_ordered_args: each name encoded on its own (ngx.encode_args), then sorted.
    const parts: string[] = [];
    for (const [name, value] of body.fields) {
      const values = Array.isArray(value) ? value : [value];
      parts.push(values.map((v) => (v === true ? escapeArg(name) : `${escapeArg(name)}=${escapeArg(String(v))}`)).join('&'));
    }
    return { raw: Buffer.from(parts.sort().join('&'), 'latin1'), contentType };
  }
  if (body.mime === JSON_TYPE) {
    const value = isRecord(body.json) ? Object.fromEntries(body.fields) : body.json;
    return { raw: Buffer.from(cjsonEncode(value), 'latin1'), contentType };
  }
  // multipart: sorted fields under the request's boundary, as Kong's set_body writes them.
  const at = contentType.indexOf('boundary=');
  let boundary = at === -1 ? String(Math.floor(Math.random() * 1e10)) : contentType.slice(at + 9);
  if (boundary.startsWith('"')) boundary = boundary.slice(1, boundary.indexOf('"', 1));
  let out = '';
  for (const name of [...body.fields.keys()].sort()) {
    const value = body.fields.get(name);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new BodyEncodingError(`invalid value "${name}": got table, expected string, number or boolean`);
    }
    out += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${String(value)}\r\n`;
  }
  out += `--${boundary}--\r\n`;
  return { raw: Buffer.from(out, 'latin1'), contentType: `${MULTIPART}; boundary=${boundary}` };
}
