import { REFERENCE_PAGE_CSP, referencePageHtml } from '../../lib/api-description';
import { config } from '../../lib/platform/config';
import { route } from '../../lib/platform/http';

/** GET /api/public/docs → the API reference page (HTML, no script, nothing loaded from elsewhere). */
export const handler = route(async () => ({
  statusCode: 200,
  headers: {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': REFERENCE_PAGE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cache-Control': `public, max-age=${config.jwksCacheSeconds}`,
  },
  body: referencePageHtml(),
}));
