// Reads kong/kong.yml (decK format 3.0) into the routing table the gateway serves.
// Anything the gateway does not implement is a start-up error, never ignored.
// Plugins are found through the registry handed in; each validates its own config.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { consumers as consumerSchema, type Consumer } from './consumers';
import { ApiError, buildEntity, type Credential, type EntitySchema, type Input } from './entities';
import type { PluginModule } from './plugin';
import type { Store } from './store';
import {
  at, boolean, ConfigError, entity, fail, field, list, mapping, number, required, tags, text, type Check,
} from './schema';
import { normalizePath } from './uri';
import { isRecord, isUuid } from './util';

export { ConfigError } from './schema';

export interface ServiceConfig {
  id: string;
  name: string;
  url: URL;
  path: string;
  connectTimeout: number;
  readTimeout: number;
  /** Further tries after a failed one, under nginx's rules (core/retries.ts). */
  retries: number;
}

/** Which entity a plugin is attached to (Kong's plugin.route / plugin.service); both null for a global plugin. */
export interface PluginScope {
  routeId: string | null;
  serviceId: string | null;
}

/** One enabled plugin instance: its module, its validated config, where it is attached. */
export interface PluginConfig {
  name: string;
  module: PluginModule;
  config: unknown;
  scope: PluginScope;
}

export interface RouteConfig {
  id: string;
  name: string;
  /** Null for a top-level route without a service: its plugins must answer (else Kong's 503). */
  service: ServiceConfig | null;
  paths: string[];
  methods: string[];
  stripPath: boolean;
  preserveHost: boolean;
  /** Effective plugins: route beats service beats global, one instance per name, in Kong's priority order. */
  plugins: PluginConfig[];
}

/**
 * A consumer the file declares (decK's `consumers:`), with the plugins'
 * entities nested under it by DAO name (`keyauth_credentials`, `acls`, ...).
 */
export interface DeclaredConsumer {
  where: string;
  fields: Input;
  owned: { schema: EntitySchema<Credential>; where: string; fields: Input }[];
}

export interface GatewayConfig {
  routes: RouteConfig[];
  /** The enabled global plugins in run order: what answers matching no route go through. */
  globalPlugins: PluginConfig[];
  /** Consumers to add or update in the store at start-up. */
  consumers: DeclaredConsumer[];
}

const TIMEOUT = number(1, 2 ** 31 - 2, true);
const DEFAULT_TIMEOUT = 60000;

function routePath(value: unknown, where: string): string {
  const path = text(value, where);
  if (path.startsWith('~')) fail(where, 'regex paths are not supported by the local gateway');
  if (!path.startsWith('/')) fail(where, 'should start with: / (fixed path) or ~/ (regex path)');
  if (path.includes('//')) fail(where, 'must not have empty segments');
  const invalidPercent = /%(?![0-9a-fA-F]{2})/.exec(path);
  if (invalidPercent) fail(where, `invalid url-encoded value: '${path.slice(invalidPercent.index, invalidPercent.index + 3)}'`);
  const normalized = normalizePath(path);
  if (normalized !== path) fail(where, `non-normalized path, consider use '${normalized}' instead`);
  return path;
}

const method: Check<string> = (value, where) =>
  typeof value === 'string' && /^[A-Z]+$/.test(value) ? value : fail(where, `invalid value: ${String(value)}`);

function serviceUrl(value: unknown, where: string): URL {
  const raw = text(value, where);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    fail(where, `invalid URL '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(where, `unsupported protocol '${url.protocol}' (the local gateway proxies to http and https)`);
  if (url.username || url.password || url.search || url.hash) {
    fail(where, 'the local gateway supports URLs of the form http(s)://host[:port][/path] only');
  }
  return url;
}

/** Reads plugin lists against the registry: the loader itself knows no plugin. */
class PluginReader {
  constructor(private readonly registry: readonly PluginModule[]) {}

  /** The enabled plugins of one entity (disabled ones are still validated). */
  read(value: unknown, where: string, scope: PluginScope): PluginConfig[] {
    const seen = new Set<string>();
    const all = list((item, itemWhere): PluginConfig | null => {
      const { fields: p, name, where: here } = entity(item, itemWhere, ['name', 'config', 'enabled', 'tags']);
      if (seen.has(name)) fail(here, 'the same plugin is configured twice on one entity');
      seen.add(name);
      field(p, 'tags', here, tags, []);
      const enabled = field(p, 'enabled', here, boolean, true);
      const module = this.registry.find((m) => m.handler.NAME === name);
      if (!module) {
        fail(here, `unknown plugin '${name}' (the local gateway implements: ${this.registry.map((m) => m.handler.NAME).join(', ')})`);
      }
      const plugin: PluginConfig = { name, module, config: module.schema(p.config ?? {}, `${here}.config`), scope };
      return enabled ? plugin : null;
    })(value, where);
    return all.filter((plugin) => plugin !== null);
  }
}

/** Kong applies the most specific instance of each plugin, then runs them by priority. */
function effectivePlugins(...levels: PluginConfig[][]): PluginConfig[] {
  const byName = new Map<string, PluginConfig>();
  for (const level of levels) for (const plugin of level) byName.set(plugin.name, plugin);
  return [...byName.values()].sort((a, b) => b.module.handler.PRIORITY - a.module.handler.PRIORITY);
}

/**
 * decK's `${{ env "DECK_NAME" }}` substitution, applied to the file text before
 * YAML parsing; like decK, lines that are whole comments are left alone.
 */
export function substituteEnv(source: string, env: NodeJS.ProcessEnv, file: string): string {
  const substitute = (whole: string, expression: string) => {
    const match = /^\s*env\s+"([^"]*)"\s*$/.exec(expression);
    if (!match) fail(file, `unsupported template expression '${whole}' (the local gateway supports \${{ env "DECK_NAME" }} only)`);
    const name = match[1];
    if (!name.startsWith('DECK_')) fail(file, `environment variables in the state file must be prefixed with 'DECK_', found: '${name}'`);
    const value = env[name];
    if (value === undefined) fail(file, `environment variable '${name}' present in state file but not set`);
    return value;
  };
  return source
    .split('\n')
    .map((line) => (line.trimStart().startsWith('#') ? line : line.replace(/\$\{\{([\s\S]*?)\}\}/g, substitute)))
    .join('\n');
}

/**
 * An entity's id: the one kong.yml gives (decK syncs it as is), else one
 * derived from the kind and name, so that gateways reading the same file
 * agree on it (rate-limiting's shared counters are keyed by route and service
 * ids). Real Kong makes up a random id for an entity synced without one: give
 * ids in kong.yml where local gateways and Kong must share counters.
 */
function entityId(fields: Record<string, unknown>, where: string, kind: 'services' | 'routes', name: string): string {
  if (fields.id !== undefined && fields.id !== null) {
    const id = text(fields.id, `${where}.id`);
    if (!isUuid(id)) fail(`${where}.id`, 'expected a valid UUID');
    return id.toLowerCase();
  }
  // A name-based UUID (version 5 layout over SHA-1, RFC 4122).
  const hash = createHash('sha1').update(`kong-lambda-auth local gateway:${kind}:${name}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Names must be unique per kind, as Kong's are. */
function uniqueName(names: Set<string>, name: string, where: string): void {
  if (names.has(name)) fail(where, 'duplicate name');
  names.add(name);
}

const ROUTE_FIELDS = ['id', 'name', 'paths', 'methods', 'strip_path', 'preserve_host', 'plugins', 'tags'];

function parseRoute(
  item: unknown, itemWhere: string, service: ServiceConfig | null, outer: PluginConfig[][], names: Set<string>, plugins: PluginReader,
): RouteConfig {
  // Only a top-level route may say which service it has: none.
  const { fields: r, name, where } = entity(item, itemWhere, service === null ? [...ROUTE_FIELDS, 'service'] : ROUTE_FIELDS);
  if (r.service !== undefined && r.service !== null) {
    fail(`${where}.service`, 'the local gateway supports top-level routes without a service only (nest a route with a service under it)');
  }
  uniqueName(names, name, where);
  const id = entityId(r, where, 'routes', name);
  field(r, 'tags', where, tags, []);
  const paths = field(r, 'paths', where, list(routePath), []);
  const methods = field(r, 'methods', where, list(method), []);
  if (paths.length === 0 && methods.length === 0) {
    fail(where, "must set one of 'methods', 'paths' (the local gateway does not match on hosts, headers or snis)");
  }
  return {
    id,
    name,
    service,
    paths,
    methods,
    stripPath: field(r, 'strip_path', where, boolean, true),
    preserveHost: field(r, 'preserve_host', where, boolean, false),
    plugins: effectivePlugins(...outer, plugins.read(r.plugins ?? [], `${where}.plugins`, { routeId: id, serviceId: null })),
  };
}

export function parseConfig(source: string, env: NodeJS.ProcessEnv, registry: readonly PluginModule[], file = 'kong.yml'): GatewayConfig {
  let document: unknown;
  try {
    document = parse(substituteEnv(source, env, file));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    fail(file, `invalid YAML: ${(err as Error).message}`);
  }
  const plugins = new PluginReader(registry);
  const root = mapping(document, `${file}:`, ['_format_version', '_info', 'services', 'routes', 'plugins', 'consumers']);
  if (root._format_version !== '3.0') fail(`${file}: _format_version`, `expected "3.0", got ${JSON.stringify(root._format_version)}`);
  const info = mapping(root._info ?? {}, `${file}: _info`, ['select_tags']);
  field(info, 'select_tags', `${file}: _info`, tags, []);
  const globalPlugins = plugins.read(root.plugins ?? [], `${file}: plugins`, { routeId: null, serviceId: null });

  const serviceNames = new Set<string>();
  const routeNames = new Set<string>();
  const services = list((item, itemWhere) => {
    const { fields: s, name, where } = entity(item, itemWhere, ['id', 'name', 'url', 'connect_timeout', 'read_timeout', 'retries', 'routes', 'plugins', 'tags']);
    uniqueName(serviceNames, name, where);
    field(s, 'tags', where, tags, []);
    const url = required(s, 'url', where, serviceUrl);
    const service: ServiceConfig = {
      id: entityId(s, where, 'services', name),
      name,
      url,
      path: url.pathname || '/',
      connectTimeout: field(s, 'connect_timeout', where, TIMEOUT, DEFAULT_TIMEOUT),
      readTimeout: field(s, 'read_timeout', where, TIMEOUT, DEFAULT_TIMEOUT),
      retries: field(s, 'retries', where, number(0, 32767, true), 5),
    };
    const outer = [globalPlugins, plugins.read(s.plugins ?? [], `${where}.plugins`, { routeId: null, serviceId: service.id })];
    return list((route, routeWhere) => parseRoute(route, routeWhere, service, outer, routeNames, plugins))(s.routes ?? [], `${where}.routes`);
  })(root.services ?? [], `${file}: services`);
  const serviceless = list((route, routeWhere) => parseRoute(route, routeWhere, null, [globalPlugins], routeNames, plugins))(
    root.routes ?? [], `${file}: routes`,
  );
  const consumers = parseConsumers(root.consumers ?? [], `${file}: consumers`, registry);
  return { routes: [...services.flat(), ...serviceless], globalPlugins: effectivePlugins(globalPlugins), consumers };
}

const CONSUMER_FIELDS = ['id', 'username', 'custom_id', 'tags'];

/** decK's consumers: the consumer's own fields, and each plugin entity under its DAO name; values are checked when applied. */
function parseConsumers(value: unknown, where: string, registry: readonly PluginModule[]): DeclaredConsumer[] {
  const owned = registry.flatMap((plugin) => plugin.daos ?? []).filter((schema) => schema.adminApiNestedName) as EntitySchema<Credential>[];
  return list((item, itemWhere): DeclaredConsumer => {
    const c = mapping(item, itemWhere, [...CONSUMER_FIELDS, ...owned.map((schema) => schema.name)]);
    const name = c.username ?? c.custom_id ?? c.id;
    const here = typeof name === 'string' ? itemWhere.replace(/\[\d+\]$/, `[${name}]`) : itemWhere;
    const fields = Object.fromEntries(Object.entries(c).filter(([key]) => CONSUMER_FIELDS.includes(key)));
    const entities = owned.flatMap((schema) =>
      list((entry, entryWhere) => {
        if (!isRecord(entry)) fail(entryWhere, 'expected a mapping');
        return { schema, where: entryWhere, fields: entry as Input };
      })(c[schema.name] ?? [], at(here, schema.name)),
    );
    return { where: here, fields, owned: entities };
  })(value, where);
}

/**
 * Adds the file's consumers and their entities to the store, or updates them
 * (a consumer found by id, username or custom_id; an entity by id, by its key
 * under the consumer, or by its endpoint key), as a decK sync would. Nothing
 * else is deleted: consumers made through the Admin API stay. An entity Kong
 * would refuse stops start-up with Kong's message.
 */
export function applyDeclaredConsumers(store: Store, declared: readonly DeclaredConsumer[]): void {
  const check = <T>(where: string, write: () => T): T => {
    try {
      return write();
    } catch (err) {
      if (err instanceof ApiError) fail(where, String(err.body.message));
      throw err;
    }
  };
  // What the file itself wrote is never matched again: a second copy in the file is Kong's unique violation.
  const written = new Set<string>();
  for (const { where, fields, owned } of declared) {
    const existing = ['id', 'username', 'custom_id']
      .map((key) => (typeof fields[key] !== 'string' ? undefined : key === 'id' ? store.consumers.byId((fields.id as string).toLowerCase()) : store.consumers.find(key as keyof Consumer & string, fields[key])))
      .find((found) => found !== undefined);
    const consumer = check(where, () => buildEntity(consumerSchema, store, fields, 'replace', existing));
    store.consumers.save(consumer);
    for (const entity of owned) {
      const collection = store.collection(entity.schema);
      const { nestedKey, endpointKey } = entity.schema;
      const id = entity.fields.id;
      const found =
        (typeof id === 'string' ? collection.byId(id.toLowerCase()) : undefined) ??
        (nestedKey && entity.fields[nestedKey] !== undefined ? collection.all(consumer.id).find((e) => e[nestedKey as keyof Credential] === entity.fields[nestedKey]) : undefined) ??
        (endpointKey && typeof entity.fields[endpointKey] === 'string' ? collection.find(endpointKey as keyof Credential & string, entity.fields[endpointKey]) : undefined);
      const match = found && !written.has(found.id) ? found : undefined;
      const saved = check(entity.where, () => buildEntity(entity.schema, store, { ...entity.fields, consumer: { id: consumer.id } }, 'replace', match));
      collection.save(saved);
      written.add(saved.id);
    }
  }
}

export function loadConfig(path: string, env: NodeJS.ProcessEnv, registry: readonly PluginModule[]): GatewayConfig {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read gateway configuration ${path}: ${(err as Error).message}`);
  }
  return parseConfig(source, env, registry, path);
}
