// The rate-limiting plugin's configuration (kong/plugins/rate-limiting/schema.lua),
// with Kong's defaults; only the local policy is implemented.
import { boolean, fail, field, mapping, number, oneOf, positive, text } from '../../core/schema';

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

export function rateLimitingSchema(value: unknown, where: string): RateLimitingConfig {
  const c = mapping(value, where, [
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
