// Kong's route matching (router_flavor traditional_compatible, for the route
// fields the gateway supports) and its upstream path joining.
import type { RouteConfig } from './config';

/** One (route, path) pair, tried in order of rank. */
export interface Candidate<R> {
  route: R;
  /** The route path that matched, or null for a route matching on methods only. */
  prefix: string | null;
  methods: Set<string> | null;
  /** Kong's priority: how many fields the route matches on, then path length. */
  rank: number;
}

export class Router<R extends { config: RouteConfig }> {
  private readonly candidates: Candidate<R>[];

  constructor(routes: readonly R[]) {
    const candidates: Candidate<R>[] = [];
    for (const route of routes) {
      const { methods: methodList, paths } = route.config;
      const methods = methodList.length > 0 ? new Set(methodList) : null;
      const weight = (methods ? 1 : 0) + (paths.length > 0 ? 1 : 0);
      const prefixes = paths.length > 0 ? paths : [null];
      for (const prefix of prefixes) candidates.push({ route, prefix, methods, rank: weight * 2 ** 19 + (prefix?.length ?? 0) });
    }
    // Stable sort: equal ranks keep the order of kong.yml.
    this.candidates = candidates.sort((a, b) => b.rank - a.rank);
  }

  match(method: string, path: string): Candidate<R> | undefined {
    for (const candidate of this.candidates) {
      if (candidate.methods && !candidate.methods.has(method)) continue;
      if (candidate.prefix === null || path.startsWith(candidate.prefix)) return candidate;
    }
    return undefined;
  }
}

/** Kong's get_upstream_uri_v0: joins the service path and the (possibly stripped) request path. */
export function upstreamPath(base: string, path: string, strippedPrefix: string | null): string {
  if (strippedPrefix === null) {
    if (base.endsWith('/')) return base + path.slice(1);
    return path === '/' ? base : base + path;
  }
  let postfix = path.slice(strippedPrefix.length);
  if (postfix === '.' || postfix === '..') postfix = '';
  else if (postfix.startsWith('./')) postfix = postfix.slice(2);
  else if (postfix.startsWith('../')) postfix = postfix.slice(3);
  if (base.endsWith('/')) {
    if (postfix === '') return base === '/' || path.endsWith('/') ? base : base.slice(0, -1);
    return postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix;
  }
  if (postfix === '') return path.length > 1 && path.endsWith('/') ? `${base}/` : base;
  return postfix.startsWith('/') ? base + postfix : `${base}/${postfix}`;
}
