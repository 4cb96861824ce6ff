// Kong's cors plugin (kong/plugins/cors/handler.lua, 3.9): a preflight is
// answered in access, before any authentication; every other answer on the
// route gets the CORS headers in header_filter, whoever made it.
import { formatNumber } from '../../core/cjson';
import type { ResponseHeaders } from '../../core/headers';
import { response, type Exit, type Plugin, type RequestContext, type RequestInfo } from '../../core/plugin';
import type { CorsConfig } from './schema';

/** An origin as the plugin compares it: scheme://host[:port] without a default port, and the host alone. */
interface Normalized {
  domain: string;
  host: string;
}

/**
 * normalize_origin, after LuaSocket's url.parse: without `scheme://` there is
 * no host and the text is kept whole; IPv6 brackets are dropped from the host.
 */
function normalize(text: string): Normalized {
  const parsed = /^([A-Za-z0-9][A-Za-z0-9+.-]*):\/\/([^/?#]*)/.exec(text);
  if (!parsed) return { domain: text, host: text };
  const scheme = parsed[1];
  let authority = parsed[2].replace(/^[^@]*@/, '');
  let port: string | undefined;
  authority = authority.replace(/:([^:\]]*)$/, (_, p: string) => {
    port = p;
    return '';
  });
  if (authority === '') return { domain: text, host: text };
  const host = /^\[(.+)\]$/.exec(authority)?.[1] ?? authority;
  if ((scheme === 'http' && port === '80') || (scheme === 'https' && port === '443')) port = undefined;
  return { domain: `${scheme}://${host}${port === undefined ? '' : `:${port}`}`, host };
}

/** One configured origin, prepared for matching. */
type Allowed = { regex: RegExp; byHost: boolean } | { domain: string; byHost: boolean };

/** Only these characters make an origin plain text; anything else makes it a regex. */
const PLAIN = /^[A-Za-z0-9.:/-]+$/;

export class CorsHandler implements Plugin {
  static readonly NAME = 'cors';
  static readonly PRIORITY = 2000;

  /** Requests whose preflight the access phase handled (or passed on): header_filter leaves them be. */
  private readonly preflights = new WeakSet<RequestInfo>();
  private readonly allowed: Allowed[];
  /** Kong answers `*` to any request with an Origin once the list holds `*`, wherever it stands. */
  private readonly wildcardListed: boolean;

  constructor(private readonly config: CorsConfig) {
    this.wildcardListed = config.origins.includes('*');
    this.allowed = config.origins.filter((entry) => entry !== '*').map((entry): Allowed => {
      if (PLAIN.test(entry)) return { ...normalize(entry), byHost: !entry.includes(':') };
      // Regexes are anchored at both ends: `$` is added if missing, a leading `^` dropped for the anchored match.
      let pattern = entry.endsWith('$') ? entry : `${entry}$`;
      if (pattern.startsWith('^')) pattern = pattern.slice(1);
      return { regex: new RegExp(`^(?:${pattern})`), byHost: !pattern.includes(':') };
    });
  }

  access(ctx: RequestContext): Exit | undefined {
    const origin = ctx.headers.get('origin');
    if (ctx.req.method !== 'OPTIONS' || !origin || !ctx.headers.get('access-control-request-method')) return undefined;
    this.preflights.add(ctx);
    if (this.config.preflightContinue) return undefined;

    const headers: Record<string, string | string[]> = {};
    const set = (name: string, value: string) => (headers[name] = value);
    const allowAll = this.origin(ctx, { set, add: set, clear: (name) => (headers[name] = []) });
    this.credentials(ctx, allowAll, { set, add: set, clear: () => undefined });
    const requested = ctx.headers.get('access-control-request-headers');
    if (this.config.headers.length > 0) set('Access-Control-Allow-Headers', this.config.headers.join(','));
    else if (requested !== undefined) set('Access-Control-Allow-Headers', requested);
    set('Access-Control-Allow-Methods', this.config.methods.join(','));
    if (this.config.maxAge !== null) set('Access-Control-Max-Age', formatNumber(this.config.maxAge));
    if (this.config.privateNetwork && ctx.headers.get('access-control-request-private-network') === 'true') {
      set('Access-Control-Allow-Private-Network', 'true');
    }
    return response.exit(200, undefined, headers);
  }

  headerFilter(request: RequestInfo, headers: ResponseHeaders): void {
    if (this.preflights.has(request)) return;
    const target = {
      set: (name: string, value: string) => headers.set(name, value),
      add: (name: string, value: string) => headers.add(name, value),
      clear: (name: string) => headers.clear(name),
    };
    const allowAll = this.origin(request, target);
    this.credentials(request, allowAll, target);
    if (this.config.exposedHeaders.length > 0) headers.set('Access-Control-Expose-Headers', this.config.exposedHeaders.join(','));
  }

  /**
   * configure_origin: sets Access-Control-Allow-Origin (and Vary) for this
   * request; true when any origin is allowed. Vary is added to the
   * upstream's in header_filter, set in a preflight (`add` vs `set`).
   */
  private origin(request: RequestInfo, headers: HeaderTarget): boolean {
    const origins = this.config.origins;
    if (origins.length === 0 || (origins.length === 1 && origins[0] === '*')) {
      headers.set('Access-Control-Allow-Origin', '*');
      return true;
    }
    // Always, so caches keep answers to different origins apart.
    headers.add('Vary', 'Origin');
    if (origins.length === 1 && PLAIN.test(origins[0])) {
      headers.set('Access-Control-Allow-Origin', origins[0]);
      return false;
    }
    const origin = request.headers.get('origin');
    if (origin !== undefined) {
      if (this.wildcardListed) {
        headers.set('Access-Control-Allow-Origin', '*');
        return true;
      }
      const normalized = normalize(origin);
      for (const allowed of this.allowed) {
        const found = 'regex' in allowed
          ? allowed.regex.test(allowed.byHost ? normalized.host : normalized.domain)
          : normalized.domain === allowed.domain;
        if (found) {
          headers.set('Access-Control-Allow-Origin', normalized.domain);
          return false;
        }
      }
    }
    headers.clear('Access-Control-Allow-Origin');
    return false;
  }

  /** configure_credentials: with a wildcard, the request's own Origin is echoed so credentials may be allowed. */
  private credentials(request: RequestInfo, allowAll: boolean, headers: HeaderTarget): void {
    if (!this.config.credentials) return;
    if (!allowAll) {
      headers.set('Access-Control-Allow-Credentials', 'true');
      return;
    }
    const origin = request.headers.get('origin');
    if (origin !== undefined) {
      headers.add('Vary', 'Origin');
      headers.set('Access-Control-Allow-Origin', origin);
      headers.set('Access-Control-Allow-Credentials', 'true');
    }
  }
}

/** Where the CORS headers go: the preflight's own headers, or the answer's in header_filter. */
interface HeaderTarget {
  set(name: string, value: string): void;
  add(name: string, value: string): void;
  clear(name: string): void;
}
