// Kong's Admin API for what the service uses (kong/api/endpoints.lua): consumers,
// and every entity the plugins register, served by the same generic endpoints
// with Kong's statuses and bodies.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { multipartFields } from './body';
import { hostname } from 'node:os';
import type { GatewayConfig } from './config';
import { consumers, type Consumer } from './consumers';
import { ApiError, buildEntity, methodNotAllowed, notFound, present, TAG_CHARS, type Credential, type EntitySchema, type Input, type WriteMode } from './entities';
import type { PluginModule } from './plugin';
import { sendJson as send } from './respond';
import type { GatewaySettings } from './settings';
import type { Collection, Store } from './store';
import { isRecord, isUuid, KONG_VERSION } from './util';

interface Reply {
  status: number;
  body?: unknown;
}
type Params = Record<string, string>;
interface ApiRequest {
  params: Params;
  query: URLSearchParams;
  body: Input;
}
type Handler = (request: ApiRequest) => Reply;

const MAX_BODY_BYTES = 10 * 1024 * 1024; // Kong's admin client_max_body_size
const SERVER_TOKENS = `kong/${KONG_VERSION}`;

const ok = (body: unknown): Reply => ({ status: 200, body });
const created = (body: unknown): Reply => ({ status: 201, body });
const noContent: Reply = { status: 204 };

/** A path naming an entity that has no endpoint key by something other than a UUID (kong/db/errors.lua). */
function invalidPrimaryKey(): ApiError {
  return new ApiError(400, {
    code: 1,
    name: 'invalid primary key',
    message: `invalid primary key: '{id="expected a valid UUID"}'`,
    fields: { id: 'expected a valid UUID' },
  });
}

function invalidOptions(error: string): ApiError {
  return new ApiError(400, { code: 11, name: 'invalid options', message: `invalid option (tags: ${error})`, options: { tags: error } });
}

const TAGS_AND = new RegExp(`^([${TAG_CHARS}]+(?:,|$))+$`, 'u');
const TAGS_OR = new RegExp(`^([${TAG_CHARS}]+(?:/|$))+$`, 'u');

/** ?tags=a,b matches entities with both tags, ?tags=a/b with either. */
function tagFilter(raw: string | null): (tags: string[] | null) => boolean {
  if (raw === null) return () => true;
  if (raw === '') throw invalidOptions('cannot be null');
  const all = TAGS_AND.test(raw);
  if (!all && !TAGS_OR.test(raw)) throw invalidOptions('invalid filter syntax');
  const wanted = raw.split(all ? ',' : '/').filter(Boolean);
  if (wanted.length > 5) throw invalidOptions('cannot query more than 5 tags');
  return (tags) => (all ? wanted.every((t) => tags?.includes(t)) : wanted.some((t) => tags?.includes(t)));
}

/** Kong's paging: ordered by id, `offset` names where the next page starts. */
function page<T extends { id: string; tags: string[] | null }>(items: T[], query: URLSearchParams, path: string, nested: boolean) {
  const sizeParam = query.get('size');
  const size = sizeParam === null ? 100 : Number(sizeParam);
  if (sizeParam !== null && (sizeParam.trim() === '' || Number.isNaN(size))) {
    throw new ApiError(400, { code: 9, name: 'invalid size', message: 'size must be a number' });
  }
  if (!Number.isInteger(size) || size < 1 || size > 1000) {
    throw new ApiError(400, { code: 9, name: 'invalid size', message: 'size must be an integer between 1 and 1000' });
  }
  const offsetParam = query.get('offset');
  const after = offsetParam === null ? '' : Buffer.from(offsetParam, 'base64url').toString();
  if (offsetParam !== null && !isUuid(after)) {
    throw new ApiError(400, { code: 7, name: 'invalid offset', message: `'${offsetParam}' is not a valid offset: bad base64 encoding` });
  }
  const hasTags = tagFilter(query.get('tags'));
  const rest = items.filter((item) => item.id > after && hasTags(item.tags)).sort((a, b) => (a.id < b.id ? -1 : 1));
  const data = rest.slice(0, size);
  if (rest.length <= size) return { data, next: null };
  const offset = Buffer.from(data[data.length - 1].id).toString('base64url');
  let next = `${path}?offset=${offset}`;
  if (!nested && query.has('tags')) next += `&tags=${encodeURIComponent(query.get('tags')!)}`;
  if (!nested && sizeParam !== null) next += `&size=${sizeParam}`;
  return { data, offset, next };
}

/** Repeated keys collect into a list, as Kong's argument decoder does. */
function addValue(target: Input, key: string, value: unknown, list = false): void {
  const current = target[key];
  if (current === undefined) target[key] = list ? [value] : value;
  else target[key] = Array.isArray(current) ? [...current, value] : [current, value];
}

/**
 * Form fields as Kong decodes them (urlencoded or multipart): `a[]=` makes a
 * list, `a.b=` and `a[b]=` a record, empty means null.
 */
function decodeForm(fields: Iterable<[string, string]>): Input {
  const input: Input = {};
  for (const [key, raw] of fields) {
    const value = raw === '' ? null : raw;
    const nested = /^([^.[\]]+)(?:\[([^\]]*)\]|\.([^.[\]]+))$/.exec(key);
    if (!nested) {
      addValue(input, key, value);
    } else if (nested[2] === '') {
      addValue(input, nested[1], value, true);
    } else {
      const current = input[nested[1]];
      const record = isRecord(current) ? current : {};
      input[nested[1]] = record;
      addValue(record, nested[2] ?? nested[3], value);
    }
  }
  // Kong infers field types for form input: sets from single values, integers from digits.
  if (typeof input.tags === 'string') input.tags = [input.tags];
  for (const name of ['created_at', 'updated_at']) {
    if (typeof input[name] === 'string' && !Number.isNaN(Number(input[name]))) input[name] = Number(input[name]);
  }
  return input;
}

async function readBody(req: IncomingMessage): Promise<Input> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new ApiError(413, { message: 'Payload too large' });
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const contentType = req.headers['content-type']?.toLowerCase();
  if (contentType === undefined) {
    if (text === '') return {};
    throw new ApiError(415, { message: 'Unsupported Media Type' });
  }
  if (contentType.startsWith('application/json')) {
    try {
      const body: unknown = JSON.parse(text);
      if (isRecord(body)) return body;
    } catch {
      // answered below, like any body that is not a JSON object
    }
    throw new ApiError(400, { message: 'Cannot parse JSON body' });
  }
  if (contentType.startsWith('application/x-www-form-urlencoded')) return decodeForm(new URLSearchParams(text));
  // A multipart body Kong cannot parse gives no fields: the request goes on with none.
  if (contentType.startsWith('multipart/form-data')) return decodeForm(await multipartFields(req.headers, Buffer.concat(chunks), 'utf8'));
  throw new ApiError(415, { message: 'Unsupported Media Type (the local gateway reads JSON, form-urlencoded and multipart bodies)' });
}

/** The reads and writes every entity endpoint is made of, for one kind of entity. */
class Entities<T extends Credential | Consumer> {
  readonly collection: Collection<T>;

  constructor(readonly schema: EntitySchema<T>, private readonly store: Store) {
    this.collection = store.collection(schema);
  }

  /**
   * By id or endpoint key; through a consumer's path, only that consumer's,
   * also by the nested key. An entity without an endpoint key named by
   * anything but a UUID is Kong's invalid primary key.
   */
  get(ref: string, owner?: Consumer): T {
    const entity = this.find(ref, owner);
    if (!entity || (owner && (entity as Credential).consumer.id !== owner.id)) throw notFound();
    return entity;
  }

  private find(ref: string, owner?: Consumer): T | undefined {
    if (isUuid(ref)) return this.collection.byId(ref.toLowerCase());
    const { endpointKey, nestedKey } = this.schema;
    if (owner && nestedKey) return this.collection.all(owner.id).find((e) => e[nestedKey] === ref);
    if (endpointKey === undefined) throw invalidPrimaryKey();
    return this.collection.find(endpointKey, ref);
  }

  /** DELETE on the top-level path: 204 whether or not it existed. */
  delete(ref: string): void {
    const entity = this.find(ref);
    if (entity) this.collection.delete(entity);
  }

  list(query: URLSearchParams, path: string, owner?: Consumer) {
    const shown = page(this.collection.all(owner?.id), query, path, owner !== undefined);
    return { ...shown, data: shown.data.map(this.show) };
  }

  /** An entity as the Admin API shows it (an expiring one with its `ttl` left). */
  readonly show = (entity: T): unknown => present(this.schema, entity);

  save(input: Input, mode: WriteMode, existing?: T): T {
    const entity = buildEntity(this.schema, this.store, input, mode, existing);
    this.collection.save(entity);
    return entity;
  }

  /**
   * PUT creates or replaces, keyed by the id or the endpoint key in the path;
   * through a consumer's path, by its nested key, which the body may change.
   */
  put(ref: string, input: Input, owner?: Consumer): T {
    const { nestedKey } = this.schema;
    if (isUuid(ref)) return this.save({ ...input, id: ref }, 'replace', this.collection.byId(ref.toLowerCase()));
    if (owner && nestedKey) {
      const existing = this.find(ref, owner);
      const written = { ...input, [nestedKey]: input[nestedKey] ?? ref };
      return this.save(existing ? { ...written, id: existing.id } : written, 'replace', existing);
    }
    const existing = this.find(ref);
    return this.save({ ...input, [this.schema.endpointKey!]: ref }, 'replace', existing);
  }
}

class AdminApi {
  private readonly nodeId = randomUUID();
  private readonly consumers: Entities<Consumer>;
  readonly endpoints: [string, Record<string, Handler>][];

  constructor(private readonly store: Store, private readonly config: GatewayConfig, private readonly plugins: readonly PluginModule[]) {
    this.consumers = new Entities(consumers, store);
    this.endpoints = [
      ['/', { GET: () => ok(this.nodeInfo()) }],
      ['/status', { GET: () => ok({ database: { reachable: true } }) }],
      ['/consumers', {
        GET: ({ query }) => ok(this.listConsumers(query)),
        POST: ({ body }) => created(this.consumers.save(body, 'insert')),
      }],
      ['/consumers/:consumer', {
        GET: ({ params }) => ok(this.consumer(params.consumer)),
        PUT: ({ params, body }) => ok(this.consumers.put(params.consumer, body)),
        PATCH: ({ params, body }) => ok(this.consumers.save(body, 'merge', this.consumer(params.consumer))),
        DELETE: ({ params }) => {
          const consumer = this.consumers.collection.get(params.consumer);
          if (consumer) this.store.deleteConsumer(consumer);
          return noContent;
        },
      }],
      ...plugins.flatMap((plugin) => plugin.daos ?? []).flatMap((schema) => this.ownedEndpoints(new Entities<Credential>(schema, store))),
    ];
  }

  /** Kong's endpoints for an entity owned by a consumer: nested under it, and top-level. */
  private ownedEndpoints(entities: Entities<Credential>): [string, Record<string, Handler>][] {
    const { adminApiName: name, adminApiNestedName: nested } = entities.schema;
    const ownedBy = (consumer: Consumer, body: Input) => ({ ...body, consumer: { id: consumer.id } });
    const ownerOf = (ref: string) => this.store.consumers.byId(entities.get(ref).consumer.id) ?? throwError(notFound());
    const show = entities.show;
    return [
      [`/consumers/:consumer/${nested}`, {
        GET: ({ params, query }) => ok(entities.list(query, `/consumers/${params.consumer}/${nested}`, this.consumer(params.consumer))),
        POST: ({ params, body }) => created(show(entities.save(ownedBy(this.consumer(params.consumer), body), 'insert'))),
      }],
      [`/consumers/:consumer/${nested}/:ref`, {
        GET: ({ params }) => ok(show(entities.get(params.ref, this.consumer(params.consumer)))),
        PUT: ({ params, body }) => {
          const consumer = this.consumer(params.consumer);
          return ok(show(entities.put(params.ref, ownedBy(consumer, body), consumer)));
        },
        PATCH: ({ params, body }) => ok(show(entities.save(body, 'merge', entities.get(params.ref, this.consumer(params.consumer))))),
        DELETE: ({ params }) => {
          entities.collection.delete(entities.get(params.ref, this.consumer(params.consumer)));
          return noContent;
        },
      }],
      [`/${name}`, {
        GET: ({ query }) => ok(entities.list(query, `/${name}`)),
        POST: ({ body }) => created(show(entities.save(body, 'insert'))),
      }],
      [`/${name}/:ref`, {
        GET: ({ params }) => ok(show(entities.get(params.ref))),
        PUT: ({ params, body }) => ok(show(entities.put(params.ref, body))),
        PATCH: ({ params, body }) => ok(show(entities.save(body, 'merge', entities.get(params.ref)))),
        DELETE: ({ params }) => {
          entities.delete(params.ref);
          return noContent;
        },
      }],
      [`/${name}/:ref/consumer`, {
        GET: ({ params }) => ok(ownerOf(params.ref)),
        PUT: ({ params, body }) => ok(this.consumers.put(ownerOf(params.ref).id, body)),
        PATCH: ({ params, body }) => ok(this.consumers.save(body, 'merge', ownerOf(params.ref))),
        // The consumer cannot be deleted from here, but an unknown credential is still not found.
        DELETE: ({ params }) => {
          entities.get(params.ref);
          throw methodNotAllowed();
        },
      }],
    ];
  }

  private nodeInfo() {
    const enabled = new Set(this.config.routes.flatMap((r) => r.plugins.map((p) => p.name)));
    return {
      tagline: 'Welcome to kong',
      version: KONG_VERSION,
      implementation: 'kong-lambda-auth local gateway (kong/gateway)',
      hostname: hostname(),
      node_id: this.nodeId,
      plugins: {
        available_on_server: Object.fromEntries(
          this.plugins.map(({ handler }) => [handler.NAME, { version: KONG_VERSION, priority: handler.PRIORITY }]),
        ),
        enabled_in_cluster: [...enabled],
      },
    };
  }

  private consumer(ref: string): Consumer {
    return this.consumers.get(ref);
  }

  private listConsumers(query: URLSearchParams) {
    // /consumers?custom_id=x is a lookup, not a filter over pages.
    const customIds = query.getAll('custom_id');
    if (customIds.length === 0) return this.consumers.list(query, '/consumers');
    if (customIds.length > 1 || customIds[0] === '') throw new ApiError(400, { message: 'custom_id must be an unempty string' });
    const consumer = this.consumers.collection.find('custom_id', customIds[0]);
    return { data: consumer ? [consumer] : [], next: null };
  }
}

function throwError(error: Error): never {
  throw error;
}

function matchEndpoint(pattern: string, segments: string[]): Params | undefined {
  const parts = pattern.split('/').filter(Boolean);
  if (parts.length !== segments.length) return undefined;
  const params: Params = {};
  for (const [i, part] of parts.entries()) {
    if (part.startsWith(':')) params[part.slice(1)] = segments[i];
    else if (part !== segments[i]) return undefined;
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export function createAdminHandler(store: Store, config: GatewayConfig, plugins: readonly PluginModule[], settings: GatewaySettings, log: boolean) {
  const api = new AdminApi(store, config, plugins);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const started = Date.now();
    if (log) res.on('finish', () => console.log(`admin ${req.method} ${req.url} ${res.statusCode} ${Date.now() - started}ms`));
    // What every Admin API answer carries: the Admin API's CORS headers
    // (api_helpers.cors_filter, no admin_gui_origin set) and Kong's own (admin_header_filter).
    const sendJson = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string | number> = {}) => {
      const common: Record<string, string | number> = {
        'Access-Control-Allow-Origin': req.headers.origin ?? '*',
        'Access-Control-Allow-Credentials': 'true',
      };
      if (settings.headers.has('X-Kong-Admin-Latency')) common['X-Kong-Admin-Latency'] = Date.now() - started;
      if (settings.headers.has('Server')) common.Server = SERVER_TOKENS;
      send(res, status, body, { ...common, ...headers });
    };
    try {
      const url = new URL(req.url ?? '/', 'http://admin');
      const segments = url.pathname.split('/').filter(Boolean).map(decodeSegment);
      let found: [Record<string, Handler>, Params] | undefined;
      for (const [pattern, methods] of api.endpoints) {
        const params = matchEndpoint(pattern, segments);
        if (params) {
          found = [methods, params];
          break;
        }
      }
      if (!found) throw notFound();
      const [methods, params] = found;
      if (req.method === 'OPTIONS') {
        // What Kong adds to every endpoint: the methods it has, as Allow and for CORS.
        const names = Object.keys(methods);
        const allowed = [...names, ...(names.includes('GET') ? ['HEAD'] : []), 'OPTIONS'].sort().join(', ');
        sendJson(res, 204, undefined, {
          Allow: allowed,
          'Access-Control-Allow-Methods': allowed,
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? 'Content-Type',
        });
        return;
      }
      // HEAD is GET without the body (Node leaves it out, Content-Length stays).
      const method = req.method === 'HEAD' ? 'GET' : req.method ?? '';
      const handler = Object.hasOwn(methods, method) ? methods[method] : undefined;
      if (!handler) throw methodNotAllowed();
      const needsBody = req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH';
      const reply = handler({ params, query: url.searchParams, body: needsBody ? await readBody(req) : {} });
      sendJson(res, reply.status, reply.body);
    } catch (err) {
      if (err instanceof ApiError) {
        sendJson(res, err.status, err.body);
      } else {
        console.error(`gateway admin: ${req.method} ${req.url} failed:`, err);
        sendJson(res, 500, { message: 'An unexpected error occurred' });
      }
    }
  };
}
