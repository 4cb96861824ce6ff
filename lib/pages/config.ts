import { readBoolean } from '../platform/env';

/**
 * Whether the pages are served over https: wherever session cookies are
 * Secure (every deployed stage), the same setting says so. Read here, not
 * from lib/browser-sessions, because the profile service's pages bundle no
 * code of the auth service.
 */
export const pagesServedOverHttps = readBoolean(process.env, 'SESSION_COOKIE_SECURE', true);
