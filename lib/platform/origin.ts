import { AppError } from './errors';
import type { Event } from './http';

/** A cookie-authenticated change asked for by another site's page (CSRF). */
export const crossSiteRequest = () => new AppError('cross_site_request');

/**
 * Refuses a state-changing request that a browser sent on behalf of another
 * site. Cookies are SameSite=Lax, which already keeps them off cross-site
 * POSTs; this is the second lock, for what Lax lets through (a sibling
 * subdomain is "same-site") and for browsers that ignore SameSite.
 *
 * Browsers say where a request comes from: `Sec-Fetch-Site` (every current
 * browser) must be `same-origin`, and `Origin` (sent on every cross-origin
 * POST, and on same-origin ones too) must be one of `allowedOrigins`. A
 * request with neither comes from no browser (curl, a server), which holds
 * no victim's cookie and is let through.
 *
 * The origins kong.yml's cors plugin lets read these routes (DECK_CORS_ORIGINS)
 * are deliberately not accepted here: CORS decides what another origin's page
 * may read, not what it may change with the user's cookie. Accepting them
 * would make an XSS on any listed origin, or a sibling subdomain serving user
 * content, able to change profiles and sign users in and out.
 */
export function requireSameOrigin(event: Event, allowedOrigins: readonly string[], { fromNoReferrerPage = false } = {}): void {
  const site = event.headers['sec-fetch-site'];
  if (site !== undefined && site.toLowerCase() !== 'same-origin') throw crossSiteRequest();
  const origin = event.headers['origin'];
  // A page served with Referrer-Policy: no-referrer (the recovery pages, whose
  // URL holds a token) posts with `Origin: null`. Then only a browser's own
  // `Sec-Fetch-Site: same-origin` vouches for it: no page can set that header,
  // and a sandboxed frame (also `null`) is cross-site by it.
  if (fromNoReferrerPage && origin === 'null' && site?.toLowerCase() === 'same-origin') return;
  // "null" is what sandboxed frames, data: URLs and some redirects send: never ours.
  if (origin !== undefined && !allowedOrigins.includes(origin.toLowerCase())) throw crossSiteRequest();
}

/** A comma-separated list of origins (scheme://host[:port]), normalised as browsers send them. */
export function parseOrigins(name: string, raw: string | undefined): string[] {
  const origins = (raw ?? '').split(',').map((item) => item.trim()).filter(Boolean);
  return origins.map((origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`Invalid configuration: ${name} has ${origin}, which is not an origin`);
    }
    if (!/^https?:$/.test(url.protocol) || url.origin !== origin.replace(/\/$/, '').toLowerCase()) {
      throw new Error(`Invalid configuration: ${name} has ${origin}; expected scheme://host[:port] only`);
    }
    return url.origin;
  });
}
