// The rate-limiting plugin's configuration (kong/plugins/rate-limiting/schema.lua
// and kong/tools/redis/schema.lua, 3.9), with Kong's defaults: the local and
// redis policies, Redis settings as the `redis` record or the older `redis_*`
// fields. The cluster policy needs Kong's database and stops start-up here.
import { boolean, fail, field, mapping, number, oneOf, positive, text, type Mapping } from '../../core/schema';

export const PERIODS = ['second', 'minute', 'hour', 'day', 'month', 'year'] as const;
export type Period = (typeof PERIODS)[number];

export interface RedisConfig {
  host: string;
  port: number;
  /** Connect, send and read timeout (ms). */
  timeout: number;
  username: string | null;
  password: string | null;
  database: number;
  ssl: boolean;
  sslVerify: boolean;
  serverName: string | null;
}

export interface RateLimitingConfig {
  limits: Partial<Record<Period, number>>;
  limitBy: 'consumer' | 'credential' | 'ip' | 'service' | 'header' | 'path';
  headerName: string | null;
  path: string | null;
  policy: 'local' | 'redis';
  faultTolerant: boolean;
  /** Set for the redis policy. */
  redis: RedisConfig | null;
  hideClientHeaders: boolean;
  errorCode: number;
  errorMessage: string;
}

const REDIS_FIELDS = ['host', 'port', 'timeout', 'username', 'password', 'database', 'ssl', 'ssl_verify', 'server_name'] as const;
const INTEGER = number(-(2 ** 31), 2 ** 31 - 1, true);
const PORT = number(0, 65535, true);
const TIMEOUT = number(0, 2 ** 31 - 2, true);

/** A string that may be empty (Kong's password: len_min 0). */
const anyText = (value: unknown, where: string) => (typeof value === 'string' ? value : fail(where, 'expected a string'));

/**
 * The `redis` record, with the deprecated `redis_<field>` shorthands folded
 * in as Kong folds them: a shorthand fills the field, and one that disagrees
 * with the record's own value is refused.
 */
function redisRecord(c: Mapping, where: string): Mapping {
  const record: Mapping = { ...mapping(c.redis ?? {}, `${where}.redis`, REDIS_FIELDS) };
  for (const name of REDIS_FIELDS) {
    const shorthand = c[`redis_${name}`];
    if (shorthand === undefined || shorthand === null) continue;
    const current = record[name];
    if (current !== undefined && current !== null && current !== shorthand) {
      fail(`${where}.redis_${name}`, `both deprecated and new field are used but their values mismatch: redis_${name} = ${String(shorthand)} vs redis.${name} = ${String(current)}`);
    }
    record[name] = shorthand;
  }
  return record;
}

function redisConfig(record: Mapping, where: string): RedisConfig {
  const at = `${where}.redis`;
  return {
    host: field(record, 'host', at, text, ''),
    port: field(record, 'port', at, PORT, 6379),
    timeout: field(record, 'timeout', at, TIMEOUT, 2000),
    username: field(record, 'username', at, text, null),
    password: field(record, 'password', at, anyText, null),
    database: field(record, 'database', at, INTEGER, 0),
    ssl: field(record, 'ssl', at, boolean, false),
    sslVerify: field(record, 'ssl_verify', at, boolean, false),
    serverName: field(record, 'server_name', at, text, null),
  };
}

export function rateLimitingSchema(value: unknown, where: string): RateLimitingConfig {
  const c = mapping(value, where, [
    ...PERIODS, 'limit_by', 'header_name', 'path', 'policy', 'fault_tolerant', 'redis',
    ...REDIS_FIELDS.map((name) => `redis_${name}`), 'hide_client_headers', 'error_code', 'error_message', 'sync_rate',
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
  const policy = field(c, 'policy', where, oneOf(['local', 'cluster', 'redis'] as const), 'local');
  if (policy === 'cluster') fail(`${where}.policy`, "the cluster policy counts in Kong's database, which the local gateway does not have: use local or redis");
  const syncRate = field(c, 'sync_rate', where, number(-Infinity, Infinity), -1);
  if (policy !== 'redis' && syncRate !== -1) fail(`${where}.sync_rate`, 'sync_rate can only be used with the redis policy');
  if (policy === 'redis' && syncRate !== -1) {
    if (syncRate < 0.02) fail(`${where}.sync_rate`, 'sync_rate must be greater than 0.02, or -1 to disable');
    fail(`${where}.sync_rate`, 'the local gateway counts in Redis on every request (sync_rate -1) only');
  }
  const redis = redisConfig(redisRecord(c, where), where);
  if (policy === 'redis' && redis.host === '') {
    fail(`${where}.redis.host`, "required field missing (failed conditional validation given value of field 'config.policy')");
  }
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
    policy,
    faultTolerant: field(c, 'fault_tolerant', where, boolean, true),
    redis: policy === 'redis' ? redis : null,
    hideClientHeaders: field(c, 'hide_client_headers', where, boolean, false),
    errorCode: field(c, 'error_code', where, number(100, 599, true), 429),
    errorMessage: field(c, 'error_message', where, text, 'API rate limit exceeded'),
  };
}
