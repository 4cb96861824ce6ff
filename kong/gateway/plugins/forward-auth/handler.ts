// The forward-auth plugin for the local gateway: the twin of the project's own
// Kong plugin, kong/plugins/forward-auth/handler.lua, which is the reference.
// Both are held to test/gateway/plugins/forward-auth.test.ts; change them together.
import { createHash } from 'node:crypto';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { RequestHeaders, ResponseHeaders } from '../../core/headers';
import { response, type Exit, type Plugin, type RequestContext, type RequestInfo } from '../../core/plugin';
import { canonicalHeader, type ForwardAuthConfig } from './schema';

/** Sessions remembered per plugin instance (one nginx worker's share in Kong): only valid ones, so this bounds memory. */
const CACHE_ITEMS = 10000;

/** The schema's upper bound of cache_ttl: no entry outlives it, so neither must a revocation record (s). */
const MAX_CACHE_TTL = 60;
/** Revocation records kept before old ones are pruned; past it, everything cached so far is dropped (the safe side). */
const MAX_REVOCATIONS = 10000;
/**
 * The answer header in which the function behind a route says which cached
 * answers no longer count (docs/forward-auth.md): read from the upstream's
 * answer only, removed from every answer on a route with this plugin and from
 * every request it lets through.
 */
export const REVOKE_HEADER = 'x-forward-auth-revoke';
/** What lib/browser-sessions issues is base64url and '.': a cookie with any other byte is refused without asking. */
const SESSION_ID_CHARS = /^[A-Za-z0-9._-]+$/;

const UNAVAILABLE = 'Authentication service unavailable';
const INVALID_ANSWER = 'Invalid answer from the authentication service';

/** One forwarded header's values, in request order. */
interface Credential {
  name: string;
  values: string[];
}

/** What reaches the upstream after a positive answer: [name, value] pairs. */
type Identity = readonly (readonly [string, string])[];

/** A cached positive answer, and what a revocation can name it by. */
interface Entry {
  identity: Identity;
  /** The session cookie's SHA-256 (hex), with session_cookie. */
  session?: string;
  /** The answer's X-User. */
  user?: string;
  /** When the identity provider was asked (ms). */
  askedAt: number;
}

/**
 * Which cached answers no longer count: the time (ms) of the last revocation
 * of a session ("s:" + its digest) or of all of a user's sessions ("u:" + the
 * user), and `all`, before which nothing cached counts. An answer counts only
 * if the identity provider was asked after every revocation naming it, so one
 * asked before a logout and stored after it (a request racing the logout) is
 * refused too. One for the process (the Lua plugin: one per nginx worker, told
 * of the others' through worker events), as a logout route's plugin instance
 * is not the profile routes' one.
 */
export class Revocations {
  private at = new Map<string, number>();
  private all = 0;

  record(key: string, at: number): void {
    this.at.set(key, Math.max(this.at.get(key) ?? 0, at));
    if (this.at.size <= MAX_REVOCATIONS) return;
    // An entry asked before `oldest` has expired: its records are no longer needed.
    const oldest = at - MAX_CACHE_TTL * 1000;
    for (const [name, time] of this.at) if (time < oldest) this.at.delete(name);
    if (this.at.size > MAX_REVOCATIONS) {
      this.all = Math.max(this.all, at);
      this.at = new Map();
    }
  }

  revoked(entry: Entry): boolean {
    const last = Math.max(
      this.all,
      entry.session === undefined ? 0 : this.at.get(`s:${entry.session}`) ?? 0,
      entry.user === undefined ? 0 : this.at.get(`u:${entry.user}`) ?? 0,
    );
    return entry.askedAt <= last;
  }
}

export const revocations = new Revocations();

/** An item of the revoke header: `session=<SHA-256 of the session id, hex>` (logout) or `user=<name>` (sign-out everywhere, password change). */
function revocationKey(item: string): string | undefined {
  const session = /^session=([0-9A-Fa-f]{64})$/.exec(item);
  if (session) return `s:${session[1].toLowerCase()}`;
  const user = /^user=([^\s,;]{1,256})$/.exec(item);
  return user ? `u:${user[1]}` : undefined;
}

/** A Cookie line's pairs, as the Lua plugin splits them. */
interface CookiePair {
  name: string;
  value: string | undefined;
  text: string;
}

function cookiePairs(lines: readonly string[]): CookiePair[] {
  const found: CookiePair[] = [];
  for (const line of lines) {
    for (const part of line.split(';')) {
      // Lua's %s: space, \t, \n, \v, \f, \r.
      const text = part.replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, '');
      if (text === '') continue;
      const eq = text.indexOf('=');
      found.push(eq < 0 ? { name: text, value: undefined, text } : { name: text.slice(0, eq), value: text.slice(eq + 1), text });
    }
  }
  return found;
}

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
  private readonly entries = new Map<string, { entry: Entry; expiresAt: number }>();

  get(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt < Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    // Map order is recency order.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.entry;
  }

  set(key: string, entry: Entry, ttlMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= CACHE_ITEMS) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { entry, expiresAt: Date.now() + ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
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
   * After cors (2000): preflights need no identity provider round trip, and
   * cors still decorates the 401 and 302. After rate-limiting (910): a flood
   * of made-up cookies meets the route's per-client limit (429) before any of
   * them costs an identity provider call. Before aws-lambda (750). (It sets no
   * consumer, so acl, 950, and limit_by: consumer never depended on it.)
   */
  static readonly PRIORITY = 900;

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
    // Only the upstream's answer may carry a revocation: none is passed on to it.
    this.stripRevokeHeader(ctx.headers);
    if (!this.config.authenticate) return undefined;

    const found = this.credentials(ctx.headers);
    this.stripIdentityHeaders(ctx.headers);
    // Without a credential there is nothing to ask about.
    if (found.length === 0) return this.loginRequired(ctx);

    let cookies: CookiePair[] | undefined;
    let session: string | undefined;
    if (this.config.sessionCookie !== null) {
      cookies = cookiePairs(ctx.headers.values('cookie'));
      const id = this.sessionIdFrom(cookies);
      // None, several (cookie tossing) or junk: refused as no cookie is, without asking.
      if (id === undefined) return this.loginRequired(ctx);
      session = createHash('sha256').update(id, 'latin1').digest('hex');
    }

    const key = this.cache ? cacheKey(found) : undefined;
    let entry = key === undefined ? undefined : this.cache?.get(key);
    if (entry !== undefined && revocations.revoked(entry)) {
      this.cache?.delete(key!);
      entry = undefined;
    }
    let identity = entry?.identity;
    if (identity === undefined) {
      const askedAt = Date.now();
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
      // Only positive answers, for cache_ttl counted from when it was asked: a
      // session ended at the identity provider stops working within that
      // bound, and at once where this gateway learns of it (headerFilter).
      if (key !== undefined && this.cache) {
        const users = answer.headers.get('x-user') ?? [];
        const ttlMs = this.config.cacheTtl * 1000 - (Date.now() - askedAt);
        if (ttlMs > 0) this.cache.set(key, { identity, session, user: users.length === 1 ? users[0] : undefined, askedAt }, ttlMs);
      }
    }
    if (this.config.hideCredentials && cookies !== undefined) this.hideSessionCookie(ctx.headers, cookies);
    for (const [name, value] of identity) ctx.headers.set(name, value);
    return undefined;
  }

  /**
   * The revocation signal of the upstream's answer: removed whatever the
   * route, acted on where the configuration accepts it (the routes whose
   * functions end sessions: logout, sign-out everywhere, password change).
   */
  headerFilter(_request: RequestInfo, headers: ResponseHeaders): void {
    const lines = headers.values(REVOKE_HEADER);
    if (lines.length === 0) return;
    headers.clear(REVOKE_HEADER);
    if (!this.config.acceptRevocations) return;
    const keys: string[] = [];
    for (const line of lines) {
      for (const item of line.split(',')) {
        const key = revocationKey(item.trim());
        if (key === undefined) console.error('gateway forward-auth: ignored a malformed item of the revocation header');
        else keys.push(key);
      }
    }
    const at = Date.now();
    for (const key of keys) revocations.record(key, at);
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

  /** nginx keeps `X_Forward_Auth_Revoke` apart, some upstream frameworks do not: any spelling goes. */
  private stripRevokeHeader(headers: RequestHeaders): void {
    const spellings = new Set(headers.all().map(([name]) => name).filter((name) => canonicalHeader(name) === REVOKE_HEADER));
    headers.clear(REVOKE_HEADER);
    for (const name of spellings) headers.clear(name);
  }

  /** The session cookie's value if there is exactly one, shaped like what the service issues. */
  private sessionIdFrom(cookies: readonly CookiePair[]): string | undefined {
    const { sessionCookie, sessionCookieMinLength, sessionCookieMaxLength } = this.config;
    const values = cookies.filter(({ name }) => name === sessionCookie).map(({ value }) => value);
    if (values.length !== 1) return undefined;
    const [value] = values;
    if (value === undefined || value.length < sessionCookieMinLength || value.length > sessionCookieMaxLength) return undefined;
    return SESSION_ID_CHARS.test(value) ? value : undefined;
  }

  /** The upstream gets the other cookies only: the session is the gateway's business. */
  private hideSessionCookie(headers: RequestHeaders, cookies: readonly CookiePair[]): void {
    const kept = cookies.filter(({ name }) => name !== this.config.sessionCookie).map(({ text }) => text);
    if (kept.length === 0) headers.clear('cookie');
    else headers.set('cookie', kept.join('; '));
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
    // The gateway's own key, set last: what reaches the identity provider under
    // that name is never the client's.
    if (this.config.apiKey !== null) headers[this.config.apiKeyHeader] = this.config.apiKey;
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
