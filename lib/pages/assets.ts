import { WEBAUTHN_JS } from './webauthn-browser';

/**
 * The pages' only scripts and stylesheet, served from /assets/ by a function
 * (CSP allows scripts and styles from our own origin only, never inline).
 * Kept as strings so that they bundle with the function like any code.
 */

const APP_JS = `'use strict';
(function () {
  // A message the server rendered (an error, a notice) gets focus first, so
  // that keyboard and screen-reader users start from it.
  var focused = document.querySelector('[data-focus]');
  if (focused) focused.focus();
  var error = document.getElementById('error');
  var notice = document.getElementById('notice');

  function show(region, text) {
    error.textContent = '';
    notice.textContent = '';
    region.textContent = text;
    region.focus();
  }

  function postJson(url, body) {
    return fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body || {}),
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, ok: response.ok, data: data };
      });
    });
  }

  // Passkeys (WebAuthn) through @simplewebauthn/browser, loaded before this
  // script by the pages that use it (/assets/webauthn.js, from this origin).
  var webauthn = window.SimpleWebAuthnBrowser;
  var hasWebAuthn = Boolean(webauthn && webauthn.browserSupportsWebAuthn());
  function passkeyProblem(failure, fallback) {
    // The browser's refusal (cancelled, timed out, no passkey for this site) names no server error.
    if (failure && failure.name === 'NotAllowedError') return 'The passkey was not used: cancelled, timed out, or none for this site on this device.';
    return (failure && failure.serverMessage) || fallback;
  }
  function refused(answer) {
    var failure = new Error('refused');
    // A change without a recent second factor: say what would do, the API's message names no way out.
    failure.serverMessage = answer.data.code === 'mfa_required'
      ? 'This change needs your second factor: enter a current code, or sign in again with a passkey and try within a few minutes.'
      : answer.data.message;
    failure.status = answer.status;
    failure.code = answer.data.code;
    return failure;
  }

  // The sign-in page: a passkey instead of the name and password.
  var passkeySignIn = document.getElementById('passkey-signin');
  if (passkeySignIn && hasWebAuthn) {
    passkeySignIn.hidden = false;
    passkeySignIn.addEventListener('click', function () {
      var next = document.querySelector('input[name="next"]');
      passkeySignIn.disabled = true;
      postJson('/api/session/passkey/options')
        .then(function (answer) {
          if (!answer.ok) throw refused(answer);
          return webauthn.startAuthentication({ optionsJSON: answer.data });
        })
        .then(function (credential) {
          return postJson('/api/session/passkey/login', { response: credential, next: next ? next.value : undefined });
        })
        .then(function (answer) {
          if (!answer.ok) throw refused(answer);
          // The server checked it (a path on this site); checked again here, in case.
          var to = answer.data.redirect_to;
          var samePath = typeof to === 'string' && to.charAt(0) === '/' && to.charAt(1) !== '/' && to.charAt(1) !== '\\\\';
          window.location.assign(samePath ? to : '/profile');
        })
        .catch(function (failure) {
          show(error, passkeyProblem(failure, 'The passkey did not sign you in.'));
          passkeySignIn.disabled = false;
        });
    });
  }

  // The sign-in's second step: the passkey of the account whose password was right, for the options the first step gave.
  var passkeySecondStep = document.getElementById('passkey-second-step');
  if (passkeySecondStep && hasWebAuthn) {
    passkeySecondStep.hidden = false;
    passkeySecondStep.addEventListener('click', function () {
      passkeySecondStep.disabled = true;
      var options;
      try {
        options = JSON.parse(passkeySecondStep.getAttribute('data-options'));
      } catch (failure) {
        show(error, 'The passkey could not be asked for: start over.');
        return;
      }
      webauthn.startAuthentication({ optionsJSON: options })
        .then(function (credential) {
          return postJson('/api/session/login/mfa', {
            mfa_token: passkeySecondStep.getAttribute('data-mfa-token'),
            passkey: credential,
            next: passkeySecondStep.getAttribute('data-next') || undefined,
          });
        })
        .then(function (answer) {
          if (!answer.ok) throw refused(answer);
          var to = answer.data.redirect_to;
          var samePath = typeof to === 'string' && to.charAt(0) === '/' && to.charAt(1) !== '/' && to.charAt(1) !== '\\\\';
          window.location.assign(samePath ? to : '/profile');
        })
        .catch(function (failure) {
          if (failure && failure.name === 'NotAllowedError') {
            // Not used (cancelled, timed out): the challenge was not spent, the same options can be tried again.
            show(error, passkeyProblem(failure));
            passkeySecondStep.disabled = false;
            return;
          }
          // Refused by the server: its challenge is spent, so trying the passkey again needs the password again.
          show(error, passkeyProblem(failure, 'The passkey did not sign you in.') + ' Start over to try your passkey again.');
        });
    });
  }

  // The security page: a new passkey for the signed-in account.
  var addPasskey = document.getElementById('passkey-add-form');
  if (addPasskey && hasWebAuthn) {
    addPasskey.hidden = false;
    var addButton = addPasskey.querySelector('button[type="submit"]');
    addPasskey.addEventListener('submit', function (event) {
      event.preventDefault();
      var name = addPasskey.elements['passkey_name'].value;
      var codeField = addPasskey.elements['passkey_code'];
      addButton.disabled = true;
      postJson('/api/session/passkeys/options', codeField && codeField.value ? { code: codeField.value } : {})
        .then(function (answer) {
          if (!answer.ok) throw refused(answer);
          return webauthn.startRegistration({ optionsJSON: answer.data });
        })
        .then(function (credential) {
          return postJson('/api/session/passkeys', { response: credential, name: name || undefined });
        })
        .then(function (answer) {
          if (!answer.ok) throw refused(answer);
          var codes = answer.data.recovery_codes;
          var shown = document.getElementById('passkey-recovery-codes');
          if (!Array.isArray(codes) || !shown) {
            window.location.assign('/security?passkey_added=1');
            return;
          }
          // The account's first recovery codes, answered this once: shown here (as text, never markup) before going on.
          var list = shown.querySelector('ul');
          codes.forEach(function (code) {
            var item = document.createElement('li');
            var text = document.createElement('code');
            text.textContent = String(code);
            item.appendChild(text);
            list.appendChild(item);
          });
          addPasskey.hidden = true;
          shown.hidden = false;
          shown.focus();
        })
        .catch(function (failure) {
          // The session ended: sign in again (a wrong code is a 401 too, shown here instead).
          if (failure && failure.code === 'login_required') {
            window.location.assign('/signin?next=' + encodeURIComponent('/security'));
            return;
          }
          show(error, passkeyProblem(failure, 'The passkey could not be added.'));
          addButton.disabled = false;
        });
    });
  }

  var form = document.getElementById('profile-form');
  if (!form) return;
  var button = form.querySelector('button[type="submit"]');
  var FIELDS = ['display_name', 'bio', 'location', 'website'];

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
.passkeys { list-style: none; padding: 0; }
.passkey { border-top: 1px solid #dde1e6; padding: 0.5rem 0; }
.passkey form { margin-bottom: 0.5rem; }
.signout { margin-top: 2rem; border-top: 1px solid #dde1e6; padding-top: 1rem; }
`;

export const ASSETS: Record<string, { contentType: string; body: string }> = {
  '/assets/app.js': { contentType: 'text/javascript; charset=utf-8', body: APP_JS },
  '/assets/app.css': { contentType: 'text/css; charset=utf-8', body: APP_CSS },
  // @simplewebauthn/browser (lib/pages/webauthn-browser.ts, npm run webauthn-asset), for the pages with passkeys.
  '/assets/webauthn.js': { contentType: 'text/javascript; charset=utf-8', body: WEBAUTHN_JS },
};
