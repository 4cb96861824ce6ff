import { safeNext } from '../../lib/browser-sessions/redirects';
import { signUpPage } from '../../lib/pages/auth-pages';
import { htmlResponse } from '../../lib/pages/html';
import { route } from '../../lib/platform/http';

/** GET /register[?next=<path>]: the registration page. */
export const handler = route(async (event) => htmlResponse(200, signUpPage({ next: safeNext(event.queryStringParameters?.next) })));
