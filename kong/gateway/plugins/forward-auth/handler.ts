// The forward-auth plugin for the local gateway: the twin of the project's own
// Kong plugin, kong/plugins/forward-auth/handler.lua, which is the reference.
// Both are held to test/gateway/plugins/forward-auth.test.ts; change them together.
import { createHash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RequestHeaders } from '../../core/headers';
import { response, type Exit, type Plugin, type RequestContext } from '../../core/plugin';
import { canonicalHeader, type ForwardAuthConfig } from './schema';

/** Sessions remembered per plugin instance (one nginx worker's share in Kong): only valid ones, so this bounds memory. */
const CACHE_ITEMS = 10000;

const UNAVAILABLE = 'Authentication service unavailable';
const INVALID_ANSWER = 'Invalid answer from the authentication service';

/** One forwarded header's values, in request order. */
interface Credential {
  name: string;
  values: string[];
}

/** What reaches the upstream after a positive answer: [name, value] pairs. */
type Identity = readonly (readonly [string, string])[];

/** The identity provider's answer, as lua-resty-http reads it: headers by lower-case name, every value. */
interface Answer {
  status: number;
  headers: Map<string, string[]>;
}

/**
 * resty.lrucache as the Lua plugin uses it: a fixed number of entries, each
 * with its own lifetime, the least recently used dropped first. A few lines
 * here keep the two plugins' expiry rules visibly the same.
 */
class IdentityCache {
  private readonly entries = new Map<string, { identity: Identity; expiresAt: number }>();

  get(key: string): Identity | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Map order is recency order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.identity;
  }

  set(key: string, identity: Identity, ttlSeconds: number): void {
    this.entries.delete(key);
    if (this.entries.size >= CACHE_ITEMS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { identity, expiresAt: Date.now() + ttlSeconds * 1000 });
  }
}

/** Only a digest of the credential is kept; header lines cannot hold a newline, so the joined form is unambiguous. */
function cacheKey(found: readonly Credential[]): string {
  const lines = found.flatMap(({ name, values }) => values.map((value) => `${name}:${value}`));
  return createHash('sha256').update(lines.join('\n'), 'latin1').digest('hex');
}

/** Every byte but RFC 3986's unreserved characters, so that the value is one query parameter whatever it holds. */
function percentEncode(text: string): string {
  return text.replace(/[^A-Za-z0-9\-._~]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `%${code.toString(16).toUpperCase().padStart(2, '0')}` : encodeURIComponent(c);
  });
}

const percentDecode = (text: string): string => text.replace(/%([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/**
 * A browser resolves `//host` and `/\host` to another site, and drops tabs and
 * newlines before doing so; the sign-in page may decode `next` once more
 * before redirecting to it. So both forms must be a path on this site.
 */
function isSameSitePath(path: string): boolean {
  return [path, percentDecode(path)].every(
    (form) => form.startsWith('/') && form[1] !== '/' && form[1] !== '\\' && !/[\x00-\x1f\x7f]/.test(form),
  );
}

function readAnswer(res: IncomingMessage): Promise<Answer> {
  const headers = new Map<string, string[]>();
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    const name = res.rawHeaders[i].toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), res.rawHeaders[i + 1]]);
  }
  // lua-resty-http reads the whole body before answering; a slow body times out the same way.
  return new Promise((resolve, reject) => {
    res.on('error', reject);
    res.on('end', () => resolve({ status: res.statusCode ?? 0, headers }));
    // A connection cut before the end is no answer, whatever the status said.
    res.on('close', () => {
      if (!res.complete) reject(new Error('connection closed before the answer ended'));
    });
    res.resume();
  });
}

export class ForwardAuthHandler implements Plugin {
  static readonly NAME = 'forward-auth';
  /**
   * In Kong's authentication band (jwt 1450, key-auth 1250, basic-auth 1100),
   * so after cors (2000): preflights need no identity provider round trip, and
   * cors still decorates the 401 and 302. Before acl (950) and rate-limiting
   * (910), so those can act on the identity set here (limit_by: header on X-User).
   */
  static readonly PRIORITY = 1000;

  /** One per plugin instance: routes asking different identity providers never share answers. */
  private readonly cache: IdentityCache | null;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly send: typeof httpRequest;

  constructor(private readonly config: ForwardAuthConfig) {
    this.cache = config.cacheTtl > 0 ? new IdentityCache() : null;
    const https = config.url.protocol === 'https:';
    this.agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    this.send = https ? httpsRequest : httpRequest;
  }

  async access(ctx: RequestContext): Promise<Exit | undefined> {
    const found = this.credentials(ctx.headers);
    this.stripIdentityHeaders(ctx.headers);
    // Without a credential there is nothing to ask about.
    if (found.length === 0) return this.loginRequired(ctx);

    const key = this.cache ? cacheKey(found) : undefined;
    let identity = key === undefined ? undefined : this.cache?.get(key);
    if (identity === undefined) {
      let answer: Answer;
      try {
        answer = await this.ask(found);
      } catch (err) {
        console.error(`gateway forward-auth: identity provider unreachable: ${(err as Error).message}`);
        return response.error(503, UNAVAILABLE);
      }
      const { status } = answer;
      if (status === 401) return this.loginRequired(ctx);
      if (status === 403) return response.error(403, 'Forbidden');
      if (status === 429 || status >= 500) {
        console.error(`gateway forward-auth: identity provider answered ${status}`);
        return response.error(503, UNAVAILABLE);
      }
      if (status < 200 || status > 299) {
        console.error(`gateway forward-auth: identity provider answered ${status}, expected 2xx, 401 or 403`);
        return response.error(502, INVALID_ANSWER);
      }
      const picked = this.identityFrom(answer.headers);
      if (typeof picked === 'string') {
        console.error(`gateway forward-auth: identity provider sent a ${picked}`);
        return response.error(502, INVALID_ANSWER);
      }
      identity = picked;
      // Only positive answers, and never for longer than cache_ttl: a session
      // ended at the identity provider stops working within that bound.
      if (key !== undefined) this.cache?.set(key, identity, this.config.cacheTtl);
    }
    for (const [name, value] of identity) ctx.headers.set(name, value);
    return undefined;
  }

  close(): void {
    this.agent.destroy();
  }

  /** The forwarded headers' values, taken before anything is stripped: one may also be filled in from the answer. */
  private credentials(headers: RequestHeaders): Credential[] {
    return this.config.forwardHeaders
      .map((name) => ({ name, values: headers.values(name) }))
      .filter(({ values }) => values.length > 0);
  }

  /**
   * Removes every client-sent copy of the headers the upstream trusts. nginx
   * keeps `X_User` apart from `X-User`, but CGI, WSGI or Rack upstreams read
   * both as one, so any spelling goes.
   */
  private stripIdentityHeaders(headers: RequestHeaders): void {
    const trusted = new Set(this.config.upstreamHeaders);
    for (const name of trusted) headers.clear(name);
    const spellings = new Set(headers.all().map(([name]) => name).filter((name) => trusted.has(canonicalHeader(name))));
    for (const name of spellings) headers.clear(name);
  }

  private loginRequired(ctx: RequestContext): Exit {
    const { loginUrl } = this.config;
    const accept = ctx.headers.get('accept');
    if (accept === undefined || !accept.toLowerCase().includes('text/html')) {
      return response.exit(401, { code: 'login_required', message: 'Please sign in', login_url: loginUrl });
    }
    // The raw request target, as nginx's $request_uri (kong.request.get_path_with_query),
    // which for an absolute-form target (GET http://host/path) holds its path and query only.
    const target = ctx.req.url ?? '';
    const next = /^[a-z][a-z0-9+.-]*:\/\//i.test(target) ? target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/' : target;
    const location = isSameSitePath(next) ? `${loginUrl}${loginUrl.includes('?') ? '&' : '?'}next=${percentEncode(next)}` : loginUrl;
    return response.exit(302, undefined, { Location: location });
  }

  private ask(found: readonly Credential[]): Promise<Answer> {
    const headers: Record<string, string | string[]> = {};
    for (const { name, values } of found) headers[name] = values.length === 1 ? values[0] : values;
    return new Promise((resolve, reject) => {
      const req = this.send(this.config.url, { method: 'GET', headers, agent: this.agent, timeout: this.config.timeout }, (res) => {
        res.setTimeout(this.config.timeout, () => res.destroy(new Error('timeout')));
        readAnswer(res).then(resolve, reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
  }

  /** The configured headers of a positive answer; a repeated one would leave the upstream to pick a copy, so it is refused. */
  private identityFrom(answerHeaders: Map<string, string[]>): Identity | string {
    const identity: [string, string][] = [];
    for (const name of this.config.upstreamHeaders) {
      const values = answerHeaders.get(name) ?? [];
      if (values.length > 1) return `repeated header in its answer: ${name}`;
      // Kong would send an empty value as " "; absent is clearer.
      if (values.length === 1 && values[0] !== '') identity.push([name, values[0]]);
    }
    return identity;
  }
}
