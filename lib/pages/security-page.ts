import { create } from 'qrcode/lib/core/qrcode';
import { render } from 'qrcode/lib/renderer/svg-tag';
import type { BrowserSessionView } from '../browser-sessions/browser-sessions';
import type { PasskeyView } from '../passkeys/types';
import type { TokenSessionView } from '../token-sessions/token-session';
import { field, Html, html, layout, messages } from './html';

/**
 * The otpauth URI as an inline SVG QR code: `qrcode` draws it with
 * presentation attributes (fill, stroke) and no style or script, so it
 * passes the pages' CSP as is; its text is made by the library from the URI
 * alone, never from what a user typed. Its encoder and SVG renderer are
 * imported as its toString({ type: 'svg' }) calls them, not through the
 * package's entry, which also loads the PNG renderer and pngjs (58 kB the
 * page never uses; issue 27). test/unit/pages/security-page.test.ts holds
 * the output equal to toString's.
 */
export function qrCodeSvg(uri: string): Html {
  const options = { errorCorrectionLevel: 'M', margin: 2, width: 220 } as const;
  return new Html(render(create(uri, options), options));
}

export interface SecurityPage {
  username: string;
  totp: boolean;
  recoveryCodesLeft: number;
  error?: string;
  notice?: string;
  /** An enrolment under way: its QR code and secret, and the form that confirms it. */
  enrolment?: { qr: Html; secret: string };
  /** Recovery codes just made: shown this once. */
  recoveryCodes?: string[];
  /** The account's address now (it stays until a change's link is used), and whether it is verified. */
  email?: string;
  emailVerified?: boolean;
  /** The account's passkeys, oldest first. */
  passkeys?: PasskeyView[];
  /** The account's live sessions: API (token) sessions and browser sessions. */
  tokenSessions?: TokenSessionView[];
  browserSessions?: BrowserSessionView[];
}

/** A date as the page shows it: the day, in UTC (the server does not know the reader's zone). */
const day = (iso: string) => iso.slice(0, 10);

/**
 * The passkeys: each with its dates, a rename form and a remove form.
 * Adding and removing one are step-up changes (a code field when the
 * authenticator app is on; else a recent passkey sign-in).
 * Adding one is a WebAuthn ceremony, so it is app.js's (the form stays
 * hidden in a browser without WebAuthn or without scripts).
 */
function passkeySection(passkeys: PasskeyView[], totp: boolean, recoveryCodesLeft: number): Html {
  return html`<section id="passkeys"><h2>Passkeys</h2>
${passkeys.length === 0
  ? html`<p id="passkeys-none">No passkeys yet. A passkey signs you in without your password, with your device's screen lock.</p>`
  : html`<ul class="passkeys">${passkeys.map(
      (passkey) => html`<li class="passkey" data-id="${passkey.id}">
<p><strong class="passkey-name">${passkey.name}</strong>${passkey.synced ? ' (synced)' : ''}<br>
<span class="hint">Added ${day(passkey.created_at)}${passkey.last_used_at ? html`, last used ${day(passkey.last_used_at)}` : ', never used'}</span></p>
<form method="post" action="/security">${action('passkey-rename')}<input type="hidden" name="credential_id" value="${passkey.id}">
<div class="field"><label for="name-${passkey.id}">New name for ${passkey.name}</label><input id="name-${passkey.id}" name="name" type="text" required maxlength="64" value="${passkey.name}"></div>
<button type="submit" class="secondary">Rename</button></form>
<form method="post" action="/security">${action('passkey-remove')}<input type="hidden" name="credential_id" value="${passkey.id}">
${totp ? html`<div class="field"><label for="code-${passkey.id}">Current code (or a recovery code) to remove ${passkey.name}, unless you signed in with a second factor in the last few minutes</label><input id="code-${passkey.id}" name="code" type="text" autocomplete="one-time-code" maxlength="32"></div>` : ''}
<button type="submit" class="secondary">Remove ${passkey.name}</button></form>
</li>`,
    )}</ul>`}
${passkeys.length > 0 || totp ? html`<p class="hint" id="passkeys-step-up">Adding or removing a passkey needs your second factor: ${totp ? 'a current code, or ' : ''}a sign-in with a passkey${totp ? ' or a code' : ''} in the last few minutes.</p>` : ''}
${!totp && passkeys.length > 0
  ? html`<p id="passkey-recovery-left">Recovery codes left: <strong>${recoveryCodesLeft}</strong>. Each signs you in once if you lose your passkeys.</p>
<form method="post" action="/security">${action('recovery-codes')}
${field({ name: 'code', label: 'One of your recovery codes, for new ones', autocomplete: 'one-time-code', required: true, maxlength: 32 })}
<button type="submit" class="secondary">New recovery codes</button></form>`
  : ''}
<div id="passkey-recovery-codes" hidden tabindex="-1"><h3>Your recovery codes</h3>
<p>Your passkey was added. Each of these codes works once, when you cannot use your passkey. Keep them somewhere safe: they are not shown again.</p>
<ul class="codes"></ul>
<p><a href="/security?passkey_added=1" id="passkey-recovery-continue">I have kept them: continue</a></p></div>
<form id="passkey-add-form" hidden>
${field({ name: 'passkey_name', label: 'Name for the new passkey', hint: 'So you can tell your passkeys apart, e.g. "Work laptop".', maxlength: 64 })}
${totp ? field({ name: 'passkey_code', label: 'Current code (or a recovery code), unless you signed in with a second factor in the last few minutes', autocomplete: 'one-time-code', maxlength: 32 }) : ''}
<button type="submit">Add a passkey</button></form>
</section>`;
}

/** A time as the page shows it: to the minute, in UTC. */
const minute = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

const endForm = (id: string, label: string) =>
  html`<form method="post" action="/security">${action('session-end')}<input type="hidden" name="session_id" value="${id}"><button type="submit" class="secondary">${label}</button></form>`;

/** Every live session, each with an End button: what the stores keep, never a token, a cookie or a hash shown. */
function sessionsSection(tokenSessions: TokenSessionView[], browserSessions: BrowserSessionView[]): Html {
  return html`<section id="sessions"><h2>Sessions</h2>
<h3>Browsers</h3>
${browserSessions.length === 0
  ? html`<p id="browser-sessions-none">No browser sessions listed.</p>`
  : html`<ul class="sessions" id="browser-sessions">${browserSessions.map(
      (s) => html`<li class="browser-session${s.current ? ' current' : ''}" data-id="${s.id}"><p>Signed in ${minute(s.created_at)}, last seen ${minute(s.last_seen_at)}${s.current ? html` <strong class="this-browser">(this browser)</strong>` : ''}</p>
${endForm(s.id, s.current ? 'End (sign out this browser)' : 'End')}</li>`,
    )}</ul>`}
<h3>Apps and API clients</h3>
${tokenSessions.length === 0
  ? html`<p id="token-sessions-none">No API sessions.</p>`
  : html`<ul class="sessions" id="token-sessions">${tokenSessions.map(
      (s) => html`<li class="token-session" data-id="${s.id}"><p>${s.user_agent ?? 'Unknown client'}${s.client_address ? html` from ${s.client_address}` : ''}<br>
<span class="hint">Started ${s.created_at ? minute(s.created_at) : 'unknown'}${s.last_used_at ? html`, last used ${minute(s.last_used_at)}` : ''}</span></p>
${endForm(s.id, 'End')}</li>`,
    )}</ul>`}
</section>`;
}

/** The password change (its own ids: the email form has a current_password field too): the API's (PUT /api/jwt/password) rules, a code field when a second factor is on. */
function passwordSection(secondFactor: boolean): Html {
  return html`<section id="password"><h2>Change password</h2>
<p>Every other session ends: other browsers and apps sign in again with the new password.</p>
<form method="post" action="/security" id="password-change-form">${action('password-change')}
<div class="field"><label for="password-current">Current password</label><input id="password-current" name="current_password" type="password" autocomplete="current-password" required maxlength="1024"></div>
<div class="field"><label for="password-new">New password</label><input id="password-new" name="new_password" type="password" autocomplete="new-password" required maxlength="1024"></div>
${secondFactor ? html`<div class="field"><label for="password-code">Current code (or a recovery code), unless you signed in with a second factor in the last few minutes</label><input id="password-code" name="code" type="text" autocomplete="one-time-code" maxlength="32"></div>` : ''}
<button type="submit">Change password</button></form>
</section>`;
}

const action = (name: string) => html`<input type="hidden" name="action" value="${name}">`;

/** GET/POST /security: the signed-in user's second factors. Every change is a same-origin form post back here. */
export function securityPage(page: SecurityPage): Html {
  const { username, totp, recoveryCodesLeft, error, notice, enrolment, recoveryCodes, email, emailVerified, passkeys = [], tokenSessions = [], browserSessions = [] } = page;
  return layout(
    'Security',
    html`<h1>Security</h1>
<p>Signed in as <strong>${username}</strong>. <a href="/profile">Profile</a></p>
${messages({ error, notice })}
${recoveryCodes
  ? html`<section id="recovery-codes"><h2>Your recovery codes</h2>
<p>Each works once, when you cannot use your authenticator app or your passkey. Keep them somewhere safe: they are not shown again.</p>
<ul class="codes">${recoveryCodes.map((code) => html`<li><code>${code}</code></li>`)}</ul></section>`
  : ''}
<section id="totp"><h2>Authenticator app (TOTP)</h2>
${enrolment
  ? html`<p>Scan this code with your authenticator app, or type the key, then enter the six-digit code it shows.</p>
<div class="qr">${enrolment.qr}</div>
<p>Key: <code id="totp-secret">${enrolment.secret}</code></p>
<form method="post" action="/security">${action('totp-confirm')}
${field({ name: 'code', label: 'Code from the app', autocomplete: 'one-time-code', required: true, maxlength: 16 })}
<button type="submit">Turn on</button></form>`
  : totp
    ? html`<p id="totp-status">On. Recovery codes left: <strong id="recovery-left">${recoveryCodesLeft}</strong>.</p>
<form method="post" action="/security">${action('recovery-codes')}
${field({ name: 'code', label: 'Current code (or a recovery code)', autocomplete: 'one-time-code', required: true, maxlength: 32 })}
<button type="submit">New recovery codes</button></form>
<form method="post" action="/security">${action('totp-disable')}
${field({ name: 'code', label: 'Current code (or a recovery code)', autocomplete: 'one-time-code', required: true, maxlength: 32 })}
<button type="submit">Turn off</button></form>`
    : html`<p id="totp-status">Off.</p>
<form method="post" action="/security">${action('totp-start')}<button type="submit">Set up an authenticator app</button></form>`}
</section>
${passkeySection(passkeys, totp, recoveryCodesLeft)}
<section id="email"><h2>Email</h2>
<p>Now: <strong id="current-email">${email ?? 'none'}</strong>${email ? (emailVerified ? ' (verified)' : ' (not verified)') : ''}. A change takes effect when you open the link mailed to the new address.</p>
<form method="post" action="/security">${action('email-change')}
${field({ name: 'new_email', label: 'New email', type: 'email', autocomplete: 'email', required: true, maxlength: 254 })}
${field({ name: 'current_password', label: 'Current password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1024 })}
${totp ? field({ name: 'code', label: 'Current code (or a recovery code), unless you signed in with one in the last few minutes', autocomplete: 'one-time-code', maxlength: 32 }) : ''}
<button type="submit">Change email</button></form>
</section>
${passwordSection(totp || passkeys.length > 0)}
${sessionsSection(tokenSessions, browserSessions)}
<section id="your-data"><h2>Your data</h2>
<p><a href="/api/session/account/export" download="account-export.json" id="security-export-link">Download everything we hold about you</a> (one JSON file), or <a href="/profile#delete-account-form">delete your account</a> (your password, and a code when an authenticator is on).</p>
</section>`,
    { webauthn: true },
  );
}
