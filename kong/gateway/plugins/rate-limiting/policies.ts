// Where rate-limiting counts (kong/plugins/rate-limiting/policies/init.lua,
// 3.9): in this process (local), or in Redis, shared by every gateway node
// that uses the same Redis, with Kong's key names and expiries so that local
// gateways and Kong nodes can share one count.
import Redis from 'ioredis';
import type { PluginScope } from '../../core/config';
import type { Period, RedisConfig } from './schema';

/** Kong's EXPIRATION table: window lengths in seconds (a "month" is 30 days). */
export const EXPIRATION: Record<Period, number> = {
  second: 1, minute: 60, hour: 3600, day: 86400, month: 2592000, year: 31536000,
};

const EMPTY_UUID = '00000000-0000-0000-0000-000000000000';

/** The last answer of windowStarts: counted in whole seconds, so every request of a second asks the same. */
let latest: { nowMs: number; starts: Readonly<Record<Period, number>> } | null = null;

/** timestamp.get_timestamps: when each period's calendar window (UTC) began, in ms. */
export function windowStarts(nowMs: number): Readonly<Record<Period, number>> {
  if (latest?.nowMs !== nowMs) latest = { nowMs, starts: Object.freeze(computeWindowStarts(nowMs)) };
  return latest.starts;
}

function computeWindowStarts(nowMs: number): Record<Period, number> {
  const date = new Date(nowMs);
  const second = nowMs - (nowMs % 1000);
  const minute = second - date.getUTCSeconds() * 1000;
  const hour = minute - date.getUTCMinutes() * 60000;
  const day = hour - date.getUTCHours() * 3600000;
  return {
    second,
    minute,
    hour,
    day,
    month: Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1),
    year: Date.UTC(date.getUTCFullYear(), 0, 1),
  };
}

/**
 * get_local_key: `ratelimit:<route id>:<service id>:<identifier>:<window start ms>:<period>`,
 * the ids of the entity the plugin is attached to (the empty UUID where none).
 * Both policies use it, Redis as the key itself.
 */
export function counterKey(scope: PluginScope, identifier: string, period: Period, windowStart: number): string {
  return `ratelimit:${scope.routeId ?? EMPTY_UUID}:${scope.serviceId ?? EMPTY_UUID}:${identifier}:${windowStart}:${period}`;
}

export interface Policy {
  /** How many requests the identifier made in each window so far (before this one). */
  usage(identifier: string, periods: readonly Period[], nowMs: number): Map<Period, number> | Promise<Map<Period, number>>;
  /** Counts this request, once it was let through. */
  increment(identifier: string, periods: readonly Period[], nowMs: number): void;
  close(): void;
}

/** The local policy: counters in this process (Kong's shared dict, one per node). */
export class LocalPolicy implements Policy {
  private readonly counters = new Map<string, { count: number; expiresAt: number }>();
  private nextSweep = 0;

  constructor(private readonly scope: PluginScope) {}

  usage(identifier: string, periods: readonly Period[], nowMs: number): Map<Period, number> {
    this.sweep(nowMs);
    const starts = windowStarts(nowMs);
    return new Map(periods.map((period) => [period, this.current(counterKey(this.scope, identifier, period, starts[period]), nowMs)]));
  }

  increment(identifier: string, periods: readonly Period[], nowMs: number): void {
    const starts = windowStarts(nowMs);
    for (const period of periods) {
      const key = counterKey(this.scope, identifier, period, starts[period]);
      const count = this.current(key, nowMs);
      // Like the shared dict's incr with an init ttl: the first count sets the expiry.
      const expiresAt = count === 0 ? nowMs + EXPIRATION[period] * 1000 : this.counters.get(key)!.expiresAt;
      this.counters.set(key, { count: count + 1, expiresAt });
    }
  }

  close(): void {
    this.counters.clear();
  }

  private current(key: string, nowMs: number): number {
    const counter = this.counters.get(key);
    return counter && counter.expiresAt > nowMs ? counter.count : 0;
  }

  /** Drops expired counters, at most once a minute. */
  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweep) return;
    this.nextSweep = nowMs + 60_000;
    for (const [key, counter] of this.counters) if (counter.expiresAt <= nowMs) this.counters.delete(key);
  }
}

/**
 * One request more in a window, counted atomically in Redis; the count that
 * starts a key also starts its expiry (the whole window length, as Kong sets
 * it). Answers the count before this request.
 */
const COUNT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return count - 1
`;

type CountingRedis = Redis & { rateLimitCount(key: string, expiry: number): Promise<number> };

/**
 * The redis policy with sync_rate -1, as Kong runs it: every request counts at
 * once in Redis, when its usage is read (so refused requests count too). The
 * connection is made when needed and made again after a failure, each attempt
 * bounded by the timeout, so an unreachable Redis fails requests quickly.
 */
export class RedisPolicy implements Policy {
  private readonly client: CountingRedis;
  private connecting: Promise<void> | null = null;

  constructor(private readonly scope: PluginScope, config: RedisConfig) {
    this.client = new Redis({
      host: config.host,
      port: config.port,
      username: config.username ?? undefined,
      password: config.password || undefined,
      db: config.database,
      connectTimeout: config.timeout,
      commandTimeout: config.timeout,
      tls: config.ssl ? { rejectUnauthorized: config.sslVerify, servername: config.serverName ?? undefined } : undefined,
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    }) as CountingRedis;
    this.client.defineCommand('rateLimitCount', { numberOfKeys: 1, lua: COUNT_SCRIPT });
    // Failures reach the requests that hit them; the client's own event would otherwise be reported as unhandled.
    this.client.on('error', () => undefined);
  }

  async usage(identifier: string, periods: readonly Period[], nowMs: number): Promise<Map<Period, number>> {
    await this.connected();
    const starts = windowStarts(nowMs);
    const counts = await Promise.all(
      periods.map((period) => this.client.rateLimitCount(counterKey(this.scope, identifier, period, starts[period]), EXPIRATION[period])),
    );
    return new Map(periods.map((period, i) => [period, Number(counts[i])]));
  }

  increment(): void {
    // Counted when the usage was read.
  }

  close(): void {
    this.client.disconnect();
  }

  private async connected(): Promise<void> {
    if (this.client.status === 'ready') return;
    this.connecting ??= this.client.connect().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
  }
}
