// Reads kong/kong.yml (decK format 3.0) into the routing table the gateway serves.
// Anything the gateway does not implement is a start-up error, never ignored.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { normalizePath } from './uri';

export class ConfigError extends Error {}

export interface ServiceConfig {
  name: string;
  url: URL;
  path: string;
  connectTimeout: number;
  readTimeout: number;
}

export interface JwtConfig {
  uriParamNames: string[];
  cookieNames: string[];
  headerNames: string[];
  keyClaimName: string;
  secretIsBase64: boolean;
  claimsToVerify: ('exp' | 'nbf')[];
  maximumExpiration: number;
  runOnPreflight: boolean;
  realm: string | null;
}

export const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

export interface RateLimitingConfig {
  limits: Partial<Record<Period, number>>;
  limitBy: 'consumer' | 'credential' | 'ip' | 'service' | 'header' | 'path';
  headerName: string | null;
  path: string | null;
  hideClientHeaders: boolean;
  errorCode: number;
  errorMessage: string;
}

export type PluginConfig = { name: 'jwt'; config: JwtConfig } | { name: 'rate-limiting'; config: RateLimitingConfig };

export interface RouteConfig {
  name: string;
  service: ServiceConfig;
  paths: string[];
  methods: string[];
  stripPath: boolean;
  preserveHost: boolean;
  /** Effective plugins: route beats service beats global, one instance per name. */
  plugins: PluginConfig[];
}

export interface GatewayConfig {
  routes: RouteConfig[];
}

type Mapping = Record<string, unknown>;

function fail(where: string, message: string): never {
  throw new ConfigError(`${where}: ${message}`);
}

function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Where a field sits: `file: services[api].url`. */
const at = (where: string, key: string) => (where.endsWith(':') ? `${where} ${key}` : `${where}.${key}`);

/** A named entity (service, route, plugin): located by its name, then checked like any mapping. */
function entity(item: unknown, itemWhere: string, allowed: readonly string[]): { fields: Mapping; name: string; where: string } {
  if (!isMapping(item)) fail(itemWhere, 'expected a mapping');
  const name = required(item, 'name', itemWhere, text);
  const where = itemWhere.replace(/\[\d+\]$/, `[${name}]`);
  return { fields: mapping(item, where, allowed), name, where };
}

/** A mapping whose keys must all be ones the gateway implements. */
function mapping(value: unknown, where: string, allowed: readonly string[]): Mapping {
  if (!isMapping(value)) fail(where, 'expected a mapping');
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      fail(at(where, key), `unknown or unsupported field (the local gateway implements: ${allowed.join(', ')})`);
    }
  }
  return value;
}

type Check<T> = (value: unknown, where: string) => T;

/** Reads one field; YAML null or absence means "use Kong's default". */
function field<T>(obj: Mapping, key: string, where: string, check: Check<T>, fallback: T): T {
  const value = obj[key];
  return value === undefined || value === null ? fallback : check(value, at(where, key));
}

function required<T>(obj: Mapping, key: string, where: string, check: Check<T>): T {
  const value = obj[key];
  if (value === undefined || value === null) fail(at(where, key), 'required field missing');
  return check(value, at(where, key));
}

const text: Check<string> = (value, where) =>
  typeof value === 'string' && value !== '' ? value : fail(where, 'expected a non-empty string');

const boolean: Check<boolean> = (value, where) =>
  typeof value === 'boolean' ? value : fail(where, 'expected a boolean');

function number(min: number, max: number, integer = false): Check<number> {
  return (value, where) => {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, 'expected a number');
    if (integer && !Number.isInteger(value)) fail(where, 'expected an integer');
    if (value < min || value > max) fail(where, `value should be between ${min} and ${max}`);
    return value;
  };
}

function oneOf<T extends string>(options: readonly T[], hint = ''): Check<T> {
  return (value, where) =>
    options.includes(value as T) ? (value as T) : fail(where, `expected one of: ${options.join(', ')}${hint}`);
}

function list<T>(element: Check<T>): Check<T[]> {
  return (value, where) => {
    if (!Array.isArray(value)) fail(where, 'expected a list');
    return value.map((item, i) => element(item, `${where}[${i}]`));
  };
}

const tags = list(text);

const positive: Check<number> = (value, where) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(where, 'expected a number');
  return value > 0 ? value : fail(where, 'value must be greater than 0');
};

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

/** The realm goes into a quoted WWW-Authenticate parameter. */
const realm: Check<string> = (value, where) => {
  const name = text(value, where);
  return /^[\x20\x21\x23-\x7e]+$/.test(name) ? name : fail(where, 'expected printable ASCII without double quotes');
};

function jwtConfig(value: unknown, where: string): JwtConfig {
  const c = mapping(value ?? {}, where, [
    'uri_param_names', 'cookie_names', 'header_names', 'key_claim_name', 'secret_is_base64',
    'claims_to_verify', 'maximum_expiration', 'run_on_preflight', 'realm', 'anonymous',
  ]);
  if (c.anonymous !== undefined && c.anonymous !== null) {
    fail(`${where}.anonymous`, 'anonymous consumers are not supported by the local gateway');
  }
  const claimsToVerify = [...new Set(field(c, 'claims_to_verify', where, list(oneOf(['exp', 'nbf'] as const)), []))];
  const maximumExpiration = field(c, 'maximum_expiration', where, number(0, 31536000), 0);
  if (maximumExpiration > 0 && !claimsToVerify.includes('exp')) {
    fail(`${where}.claims_to_verify`, "expected to contain: exp (failed conditional validation given value of field 'config.maximum_expiration')");
  }
  return {
    uriParamNames: field(c, 'uri_param_names', where, list(text), ['jwt']),
    cookieNames: field(c, 'cookie_names', where, list(text), []),
    // Header lookups are case-insensitive and treat '_' as '-', as nginx does.
    headerNames: field(c, 'header_names', where, list(text), ['authorization']).map((h) => h.toLowerCase().replace(/_/g, '-')),
    keyClaimName: field(c, 'key_claim_name', where, text, 'iss'),
    secretIsBase64: field(c, 'secret_is_base64', where, boolean, false),
    claimsToVerify,
    maximumExpiration,
    runOnPreflight: field(c, 'run_on_preflight', where, boolean, true),
    realm: field(c, 'realm', where, realm, null),
  };
}

function rateLimitingConfig(value: unknown, where: string): RateLimitingConfig {
  const c = mapping(value ?? {}, where, [
    ...PERIODS, 'limit_by', 'header_name', 'path', 'policy', 'fault_tolerant',
    'hide_client_headers', 'error_code', 'error_message', 'sync_rate',
  ]);
  const limits: Partial<Record<Period, number>> = {};
  for (const period of PERIODS) {
    const limit = field(c, period, where, positive, undefined);
    if (limit !== undefined) limits[period] = limit;
  }
  const set = PERIODS.filter((p) => limits[p] !== undefined);
  if (set.length === 0) {
    fail(where, `at least one of these fields must be non-empty: ${PERIODS.map((p) => `'config.${p}'`).join(', ')}`);
  }
  // Kong refuses a longer period with a lower limit than a shorter one.
  for (const [i, lower] of set.entries()) {
    for (const upper of set.slice(i + 1)) {
      if (limits[upper]! < limits[lower]!) {
        fail(where, `The limit for ${upper}(${limits[upper]!.toFixed(1)}) cannot be lower than the limit for ${lower}(${limits[lower]!.toFixed(1)})`);
      }
    }
  }
  field(c, 'policy', where, oneOf(['local'] as const, " (the local gateway counts in memory: 'cluster' and 'redis' are not supported)"), 'local');
  if (c.sync_rate !== undefined && c.sync_rate !== null && c.sync_rate !== -1) {
    fail(`${where}.sync_rate`, 'sync_rate can only be used with the redis policy');
  }
  field(c, 'fault_tolerant', where, boolean, true); // only matters for the cluster and redis policies
  const limitBy = field(c, 'limit_by', where, oneOf(['consumer', 'credential', 'ip', 'service', 'header', 'path'] as const), 'consumer');
  const headerName = field(c, 'header_name', where, text, null);
  const path = field(c, 'path', where, text, null);
  if (limitBy === 'header' && headerName === null) fail(`${where}.header_name`, 'required field missing');
  if (limitBy === 'path' && path === null) fail(`${where}.path`, 'required field missing');
  return {
    limits,
    limitBy,
    headerName: headerName && headerName.toLowerCase(),
    path,
    hideClientHeaders: field(c, 'hide_client_headers', where, boolean, false),
    errorCode: field(c, 'error_code', where, number(100, 599, true), 429),
    errorMessage: field(c, 'error_message', where, text, 'API rate limit exceeded'),
  };
}

/** The enabled plugins of one entity (disabled ones are still validated). */
function plugins(value: unknown, where: string): PluginConfig[] {
  const seen = new Set<string>();
  const all = list((item, itemWhere): PluginConfig | null => {
    const { fields: p, name, where: here } = entity(item, itemWhere, ['name', 'config', 'enabled', 'tags']);
    if (seen.has(name)) fail(here, 'the same plugin is configured twice on one entity');
    seen.add(name);
    field(p, 'tags', here, tags, []);
    const enabled = field(p, 'enabled', here, boolean, true);
    let plugin: PluginConfig;
    switch (name) {
      case 'jwt':
        plugin = { name, config: jwtConfig(p.config, `${here}.config`) };
        break;
      case 'rate-limiting':
        plugin = { name, config: rateLimitingConfig(p.config, `${here}.config`) };
        break;
      default:
        fail(here, `unknown plugin '${name}' (the local gateway implements: jwt, rate-limiting)`);
    }
    return enabled ? plugin : null;
  })(value, where);
  return all.filter((plugin) => plugin !== null);
}

const PRIORITY: Record<PluginConfig['name'], number> = { jwt: 1450, 'rate-limiting': 910 };

/** Kong applies the most specific instance of each plugin, then runs them by priority. */
function effectivePlugins(...levels: PluginConfig[][]): PluginConfig[] {
  const byName = new Map<string, PluginConfig>();
  for (const level of levels) for (const plugin of level) byName.set(plugin.name, plugin);
  return [...byName.values()].sort((a, b) => PRIORITY[b.name] - PRIORITY[a.name]);
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

/** Names must be unique per kind, as Kong's are. */
function uniqueName(names: Set<string>, name: string, where: string): void {
  if (names.has(name)) fail(where, 'duplicate name');
  names.add(name);
}

function parseRoute(item: unknown, itemWhere: string, service: ServiceConfig, outer: PluginConfig[][], names: Set<string>): RouteConfig {
  const { fields: r, name, where } = entity(item, itemWhere, ['name', 'paths', 'methods', 'strip_path', 'preserve_host', 'plugins', 'tags']);
  uniqueName(names, name, where);
  field(r, 'tags', where, tags, []);
  const paths = field(r, 'paths', where, list(routePath), []);
  const methods = field(r, 'methods', where, list(method), []);
  if (paths.length === 0 && methods.length === 0) {
    fail(where, "must set one of 'methods', 'paths' (the local gateway does not match on hosts, headers or snis)");
  }
  return {
    name,
    service,
    paths,
    methods,
    stripPath: field(r, 'strip_path', where, boolean, true),
    preserveHost: field(r, 'preserve_host', where, boolean, false),
    plugins: effectivePlugins(...outer, plugins(r.plugins ?? [], `${where}.plugins`)),
  };
}

export function parseConfig(source: string, env: NodeJS.ProcessEnv, file = 'kong.yml'): GatewayConfig {
  let document: unknown;
  try {
    document = parse(substituteEnv(source, env, file));
  } catch (err) {
    if (err instanceof ConfigError) throw err;
    fail(file, `invalid YAML: ${(err as Error).message}`);
  }
  const root = mapping(document, `${file}:`, ['_format_version', '_info', 'services', 'plugins']);
  if (root._format_version !== '3.0') fail(`${file}: _format_version`, `expected "3.0", got ${JSON.stringify(root._format_version)}`);
  const info = mapping(root._info ?? {}, `${file}: _info`, ['select_tags']);
  field(info, 'select_tags', `${file}: _info`, tags, []);
  const globalPlugins = plugins(root.plugins ?? [], `${file}: plugins`);

  const serviceNames = new Set<string>();
  const routeNames = new Set<string>();
  const services = list((item, itemWhere) => {
    const { fields: s, name, where } = entity(item, itemWhere, ['name', 'url', 'connect_timeout', 'read_timeout', 'routes', 'plugins', 'tags']);
    uniqueName(serviceNames, name, where);
    field(s, 'tags', where, tags, []);
    const url = required(s, 'url', where, serviceUrl);
    const service: ServiceConfig = {
      name,
      url,
      path: url.pathname || '/',
      connectTimeout: field(s, 'connect_timeout', where, TIMEOUT, DEFAULT_TIMEOUT),
      readTimeout: field(s, 'read_timeout', where, TIMEOUT, DEFAULT_TIMEOUT),
    };
    const outer = [globalPlugins, plugins(s.plugins ?? [], `${where}.plugins`)];
    return list((route, routeWhere) => parseRoute(route, routeWhere, service, outer, routeNames))(s.routes ?? [], `${where}.routes`);
  })(root.services ?? [], `${file}: services`);
  return { routes: services.flat() };
}

export function loadConfig(path: string, env: NodeJS.ProcessEnv): GatewayConfig {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`cannot read gateway configuration ${path}: ${(err as Error).message}`);
  }
  return parseConfig(source, env, path);
}
