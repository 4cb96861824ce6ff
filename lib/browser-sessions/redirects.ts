/** Where a signed-in browser goes when the sign-in form names no page. */
export const DEFAULT_AFTER_SIGNIN = '/profile';

const MAX_NEXT_LENGTH = 2048;

/**
 * `next` as a redirect target, if it is a path on this site: never an
 * absolute URL, `//host` or `/\host` (which browsers resolve to another
 * site), nor anything with control characters (browsers drop tabs and
 * newlines before resolving). Decoded once more as well, the same checks
 * must hold, as the gateway's forward-auth plugin checks `next`.
 */
export function safeNext(next: unknown): string | undefined {
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_NEXT_LENGTH) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return undefined;
  }
  const sameSitePath = (path: string) =>
    path.startsWith('/') && path[1] !== '/' && path[1] !== '\\' && !/[\x00-\x1f\x7f]/.test(path);
  return sameSitePath(next) && sameSitePath(decoded) ? next : undefined;
}
