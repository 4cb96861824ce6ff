import { safeNext } from '../../lib/browser-sessions/redirects';
import { signUpPage } from '../../lib/pages/auth-pages';
import { htmlResponse } from '../../lib/pages/html';
import { config } from '../../lib/platform/config';
import { route } from '../../lib/platform/http';

/** GET /register[?next=<path>]: the registration page; its password hint is the length the service enforces. */
export const handler = route(async (event) => htmlResponse(200, signUpPage({ passwordMinLength: config.passwordMinLength, next: safeNext(event.queryStringParameters?.next) })));
