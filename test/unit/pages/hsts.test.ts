import type { Html } from '../../../lib/pages/html';

/** lib/pages/html.ts loaded fresh with SESSION_COOKIE_SECURE as given (undefined: unset). */
function pagesWith(secure: string | undefined): typeof import('../../../lib/pages/html') {
  const saved = process.env.SESSION_COOKIE_SECURE;
  if (secure === undefined) delete process.env.SESSION_COOKIE_SECURE;
  else process.env.SESSION_COOKIE_SECURE = secure;
  try {
    let pages: typeof import('../../../lib/pages/html') | undefined;
    jest.isolateModules(() => {
      pages = require('../../../lib/pages/html');
    });
    return pages!;
  } finally {
    if (saved === undefined) delete process.env.SESSION_COOKIE_SECURE;
    else process.env.SESSION_COOKIE_SECURE = saved;
  }
}

it('tells browsers to use https alone for a year wherever pages are served over https (deployed stages), not binding subdomains', () => {
  for (const secure of [undefined, 'true']) {
    const pages = pagesWith(secure);
    const page = pages.htmlResponse(200, pages.html`<p>x</p>` as Html);
    expect(page.headers?.['Strict-Transport-Security']).toBe('max-age=31536000');
  }
});

it('sends no Strict-Transport-Security over the plain-http local stack, where it would mean nothing', () => {
  const pages = pagesWith('false');
  expect(pages.htmlResponse(200, pages.html`<p>x</p>` as Html).headers).not.toHaveProperty('Strict-Transport-Security');
});
