/**
 * The pages' only script and stylesheet, served from /assets/ by a function
 * (CSP allows scripts and styles from our own origin only, never inline).
 * Kept as strings so that they bundle with the function like any code.
 */

const APP_JS = `'use strict';
(function () {
  // A message the server rendered (an error, a notice) gets focus first, so
  // that keyboard and screen-reader users start from it.
  var focused = document.querySelector('[data-focus]');
  if (focused) focused.focus();

  var form = document.getElementById('profile-form');
  if (!form) return;
  var error = document.getElementById('error');
  var notice = document.getElementById('notice');
  var button = form.querySelector('button[type="submit"]');
  var FIELDS = ['display_name', 'bio', 'location', 'website'];

  function show(region, text) {
    error.textContent = '';
    notice.textContent = '';
    region.textContent = text;
    region.focus();
  }

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var exists = form.getAttribute('data-exists') === 'true';
    var body = {};
    FIELDS.forEach(function (name) { body[name] = form.elements[name].value; });
    button.disabled = true;
    fetch('/api/userprofile', {
      method: exists ? 'PUT' : 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.status === 401) {
            // The session ended meanwhile: sign in again, then come back.
            window.location.assign('/signin?next=' + encodeURIComponent('/profile'));
          } else if (response.ok) {
            form.setAttribute('data-exists', 'true');
            show(notice, 'Profile saved.');
          } else {
            show(error, data.message || 'The profile could not be saved.');
          }
        });
      })
      .catch(function () { show(error, 'The profile could not be saved: no connection.'); })
      .then(function () { button.disabled = false; });
  });
})();
`;

const APP_CSS = `*, *::before, *::after { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1f24; background: #f4f5f7; }
main { max-width: 32rem; margin: 2.5rem auto; padding: 2rem; background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.15); }
h1 { margin-top: 0; font-size: 1.6rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 0.5rem; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: 0.5rem; }
.field { margin-bottom: 1rem; }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.hint { margin: 0 0 0.25rem; font-size: 0.875rem; color: #4a5360; }
input, textarea { width: 100%; padding: 0.5rem; font: inherit; border: 1px solid #767f8c; border-radius: 4px; }
input[aria-invalid="true"] { border-color: #b3261e; border-width: 2px; }
button { font: inherit; padding: 0.55rem 1.2rem; border: 0; border-radius: 4px; background: #1f5fbf; color: #fff; cursor: pointer; }
button.secondary { background: #4a5360; }
button:disabled { opacity: 0.6; }
:focus-visible { outline: 3px solid #f0b400; outline-offset: 2px; }
.message:empty { display: none; }
.message { padding: 0.75rem 1rem; border-radius: 4px; margin-bottom: 1rem; }
.error { background: #fdecea; color: #8c1d18; border: 1px solid #b3261e; }
.notice { background: #e7f4ea; color: #1e5a2d; border: 1px solid #2e7d32; }
.identity { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0; }
.identity dt { font-weight: 600; }
.identity dd { margin: 0; overflow-wrap: anywhere; }
.signout { margin-top: 2rem; border-top: 1px solid #dde1e6; padding-top: 1rem; }
`;

export const ASSETS: Record<string, { contentType: string; body: string }> = {
  '/assets/app.js': { contentType: 'text/javascript; charset=utf-8', body: APP_JS },
  '/assets/app.css': { contentType: 'text/css; charset=utf-8', body: APP_CSS },
};
