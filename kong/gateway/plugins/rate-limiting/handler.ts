// Kong's rate-limiting plugin with the local policy: fixed calendar windows
// (UTC), counted in this process, with Kong's headers and 429 answer.
import { response, type Exit, type Plugin, type RequestContext } from '../../core/plugin';
import { nowSeconds } from '../../core/util';
import { PERIODS, type Period, type RateLimitingConfig } from './schema';

// Window lengths Kong uses for RateLimit-Reset (a "month" is 30 days there).
const WINDOW_SECONDS: Record<Period, number> = {
  second: 1, minute: 60, hour: 3600, day: 86400, month: 2592000, year: 31536000,
};

const capitalized = (period: Period) => period[0].toUpperCase() + period.slice(1);

function windowStart(period: Period, nowMs: number): number {
  const date = new Date(nowMs);
  switch (period) {
    case 'month':
      return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
    case 'year':
      return Date.UTC(date.getUTCFullYear(), 0, 1);
    default:
      return nowMs - (nowMs % (WINDOW_SECONDS[period] * 1000));
  }
}

interface Counter {
  period: Period;
  start: number;
  count: number;
}

export class RateLimitingHandler implements Plugin {
  static readonly NAME = 'rate-limiting';
  static readonly PRIORITY = 910;

  private readonly counters = new Map<string, Counter>();
  private readonly periods: Period[];
  private nextSweep = 0;

  constructor(private readonly config: RateLimitingConfig) {
    this.periods = PERIODS.filter((p) => config.limits[p] !== undefined);
  }

  access(ctx: RequestContext): Exit | undefined {
    const nowMs = nowSeconds() * 1000; // Kong counts in whole seconds
    this.sweep(nowMs);
    const identifier = this.identifier(ctx);
    const usage = this.periods.map((period) => {
      const start = windowStart(period, nowMs);
      const counter = this.counters.get(`${identifier}|${period}`);
      const used = counter && counter.start === start ? counter.count : 0;
      return { period, start, limit: this.config.limits[period]!, remaining: this.config.limits[period]! - used };
    });
    const stop = usage.find((u) => u.remaining <= 0);

    const headers: Record<string, number> = {};
    if (!this.config.hideClientHeaders) {
      // RateLimit-* describe the tightest window; on a tie, the longer one.
      let tightest: { limit: number; remaining: number; reset: number; window: number } | undefined;
      for (const u of usage) {
        const remaining = Math.max(0, !stop || stop === u ? u.remaining - 1 : u.remaining);
        const window = WINDOW_SECONDS[u.period];
        if (!tightest || remaining < tightest.remaining || (remaining === tightest.remaining && window > tightest.window)) {
          tightest = { limit: u.limit, remaining, window, reset: Math.max(1, window - Math.floor((nowMs - u.start) / 1000)) };
        }
        headers[`X-RateLimit-Limit-${capitalized(u.period)}`] = u.limit;
        headers[`X-RateLimit-Remaining-${capitalized(u.period)}`] = remaining;
      }
      headers['RateLimit-Limit'] = tightest!.limit;
      headers['RateLimit-Remaining'] = tightest!.remaining;
      headers['RateLimit-Reset'] = tightest!.reset;
      if (stop) headers['Retry-After'] = tightest!.reset;
    }
    if (stop) {
      return response.error(this.config.errorCode, this.config.errorMessage, headers);
    }
    Object.assign(ctx.responseHeaders, headers);
    for (const u of usage) {
      const key = `${identifier}|${u.period}`;
      const counter = this.counters.get(key);
      if (counter && counter.start === u.start) counter.count += 1;
      else this.counters.set(key, { period: u.period, start: u.start, count: 1 });
    }
    return undefined;
  }

  /** Whom to count; Kong falls back to the client address when the chosen entity is absent. */
  private identifier(ctx: RequestContext): string {
    switch (this.config.limitBy) {
      case 'consumer':
        return ctx.consumer?.id ?? ctx.credential?.id ?? ctx.clientIp;
      case 'credential':
        return ctx.credential?.id ?? ctx.clientIp;
      case 'service':
        return ctx.service?.name ?? ctx.clientIp;
      case 'header':
        return ctx.headers.get(this.config.headerName!) ?? ctx.clientIp;
      case 'path':
        return ctx.path === this.config.path ? ctx.path : ctx.clientIp;
      case 'ip':
        return ctx.clientIp;
    }
  }

  /** Drops counters of windows that have ended, at most once a minute. */
  private sweep(nowMs: number): void {
    if (nowMs < this.nextSweep) return;
    this.nextSweep = nowMs + 60_000;
    for (const [key, counter] of this.counters) {
      if (counter.start !== windowStart(counter.period, nowMs)) this.counters.delete(key);
    }
  }
}
