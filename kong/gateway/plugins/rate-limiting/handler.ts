// Kong's rate-limiting plugin (kong/plugins/rate-limiting/handler.lua, 3.9):
// fixed calendar windows (UTC) counted by the local or redis policy, Kong's
// headers, its 429, and fault_tolerant for a store that fails.
import { PluginError, response, type Exit, type Plugin, type PluginServices, type RequestContext } from '../../core/plugin';
import { nowSeconds } from '../../core/util';
import { EXPIRATION, LocalPolicy, RedisPolicy, windowStarts, type Policy } from './policies';
import { PERIODS, type Period, type RateLimitingConfig } from './schema';

const capitalized = (period: Period) => period[0].toUpperCase() + period.slice(1);
const LIMIT_HEADER = Object.fromEntries(PERIODS.map((period) => [period, `X-RateLimit-Limit-${capitalized(period)}`])) as Record<Period, string>;
const REMAINING_HEADER = Object.fromEntries(PERIODS.map((period) => [period, `X-RateLimit-Remaining-${capitalized(period)}`])) as Record<Period, string>;

export class RateLimitingHandler implements Plugin {
  static readonly NAME = 'rate-limiting';
  static readonly PRIORITY = 910;

  private readonly periods: Period[];
  private readonly policy: Policy;

  constructor(private readonly config: RateLimitingConfig, { scope }: PluginServices) {
    this.periods = PERIODS.filter((p) => config.limits[p] !== undefined);
    this.policy = config.redis ? new RedisPolicy(scope, config.redis) : new LocalPolicy(scope);
  }

  access(ctx: RequestContext): Exit | undefined | Promise<Exit | undefined> {
    const nowMs = nowSeconds() * 1000; // Kong counts in whole seconds
    const identifier = this.identifier(ctx);
    let used: Map<Period, number> | Promise<Map<Period, number>>;
    try {
      used = this.policy.usage(identifier, this.periods, nowMs);
    } catch (err) {
      return this.usageFailed(err);
    }
    // The local policy answers at once: no promise, so the request goes on without waiting a turn.
    if (!(used instanceof Promise)) return this.decide(ctx, identifier, used, nowMs);
    return used.then((counted) => this.decide(ctx, identifier, counted, nowMs), (err: unknown) => this.usageFailed(err));
  }

  private usageFailed(err: unknown): undefined {
    const message = `failed to get usage: ${(err as Error).message}`;
    if (!this.config.faultTolerant) throw new PluginError(`rate-limiting: ${message}`);
    // fault_tolerant: the request goes on, uncounted and without the headers.
    console.error(`gateway rate-limiting: ${message}`);
    return undefined;
  }

  private decide(ctx: RequestContext, identifier: string, used: Map<Period, number>, nowMs: number): Exit | undefined {
    const usage = this.periods.map((period) => {
      const limit = this.config.limits[period]!;
      return { period, limit, remaining: limit - used.get(period)! };
    });
    const stop = usage.find((u) => u.remaining <= 0);

    const headers: Record<string, number> = {};
    if (!this.config.hideClientHeaders) {
      // RateLimit-* describe the tightest window; on a tie, the longer one.
      const starts = windowStarts(nowMs);
      let tightest: { limit: number; remaining: number; reset: number; window: number } | undefined;
      for (const u of usage) {
        const remaining = Math.max(0, !stop || stop === u ? u.remaining - 1 : u.remaining);
        const window = EXPIRATION[u.period];
        if (!tightest || remaining < tightest.remaining || (remaining === tightest.remaining && window > tightest.window)) {
          tightest = { limit: u.limit, remaining, window, reset: Math.max(1, window - Math.floor((nowMs - starts[u.period]) / 1000)) };
        }
        headers[LIMIT_HEADER[u.period]] = u.limit;
        headers[REMAINING_HEADER[u.period]] = remaining;
      }
      headers['RateLimit-Limit'] = tightest!.limit;
      headers['RateLimit-Remaining'] = tightest!.remaining;
      headers['RateLimit-Reset'] = tightest!.reset;
      if (stop) headers['Retry-After'] = tightest!.reset;
    }
    if (stop) return response.error(this.config.errorCode, this.config.errorMessage, headers);
    Object.assign(ctx.responseHeaders, headers);
    this.policy.increment(identifier, this.periods, nowMs);
    return undefined;
  }

  close(): void {
    this.policy.close();
  }

  /** Whom to count (get_identifier); Kong falls back to the client address when the chosen entity is absent. */
  private identifier(ctx: RequestContext): string {
    switch (this.config.limitBy) {
      case 'consumer':
        return ctx.consumer?.id ?? ctx.credential?.id ?? ctx.clientIp;
      case 'credential':
        return ctx.credential?.id ?? ctx.clientIp;
      case 'service':
        return ctx.service?.id ?? ctx.clientIp;
      case 'header':
        return ctx.headers.get(this.config.headerName!) ?? ctx.clientIp;
      case 'path':
        return ctx.path === this.config.path ? ctx.path : ctx.clientIp;
      case 'ip':
        return ctx.clientIp;
    }
  }
}
