import { pagesServedOverHttps } from './config';
import type { Response } from '../platform/http';

/** HTML that is safe to insert as is: made only by `html` below, whose values are escaped. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for element content and quoted attribute values alike. */
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/**
 * A template whose values are escaped unless they are Html already: the
 * only way pages are built, so nothing a user typed lands unescaped.
 * Arrays are joined; undefined, null and false print nothing.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  const text = (value: unknown): string => {
    if (value instanceof Html) return value.text;
    if (Array.isArray(value)) return value.map(text).join('');
    if (value === undefined || value === null || value === false) return '';
    return escapeHtml(String(value));
  };
  return new Html(strings.reduce((out, part, i) => out + part + (i < values.length ? text(values[i]) : ''), ''));
}

/**
 * Every page: scripts and styles only from our own files (no inline ones, so
 * an injected <script> or style="" does nothing), forms only to ourselves,
 * never framed (clickjacking), no MIME sniffing, and the Referer kept to our
 * own origin (`same-origin` also keeps the Origin header on our own form
 * posts, which the CSRF check reads; `no-referrer` would turn it into "null").
 */
export const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  // Pages show who is signed in: never from a shared cache.
  'Cache-Control': 'no-store',
};

/**
 * Over https, browsers are told to use nothing else for this host for a year
 * (RFC 6797; OWASP HTTP Strict Transport Security Cheat Sheet), so no later
 * visit starts over plain http where a network attacker could strip TLS.
 * Without includeSubDomains or preload: those bind every subdomain of the
 * operator's domain, which is the domain owner's decision, not this service's.
 */
export const HSTS = { 'Strict-Transport-Security': 'max-age=31536000' };
const SECURITY_HEADERS = pagesServedOverHttps ? { ...PAGE_HEADERS, ...HSTS } : PAGE_HEADERS;

export function htmlResponse(statusCode: number, page: Html, headers: Record<string, string> = {}): Response {
  return { statusCode, headers: { 'Content-Type': 'text/html; charset=utf-8', ...SECURITY_HEADERS, ...headers }, body: page.text };
}

/** After a form post: the browser GETs `location` (303, so a reload does not post again). */
export function seeOther(location: string, headers: Record<string, string> = {}): Response {
  return { statusCode: 303, headers: { Location: location, 'Cache-Control': 'no-store', ...headers }, body: '' };
}

/**
 * The frame of every page. `webauthn`: the page uses passkeys, and loads
 * @simplewebauthn/browser (/assets/webauthn.js) before app.js (deferred
 * scripts run in document order).
 */
export function layout(title: string, main: Html, { webauthn = false }: { webauthn?: boolean } = {}): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · kong-lambda-auth</title>
<link rel="stylesheet" href="/assets/app.css">
${webauthn ? html`<script src="/assets/webauthn.js" defer></script>
` : ''}<script src="/assets/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<main id="main">
${main}
</main>
</body>
</html>
`;
}

/**
 * The two message regions of a page. An error is announced at once
 * (role=alert); a notice politely (role=status). Either, when the server
 * renders one, is focused on load by app.js (data-focus) so that keyboard
 * and screen-reader users start there.
 */
export function messages({ error, notice }: { error?: string; notice?: string }): Html {
  return html`<div id="error" class="message error" role="alert" tabindex="-1"${error ? html` data-focus` : ''}>${error}</div>
<div id="notice" class="message notice" role="status" tabindex="-1"${notice && !error ? html` data-focus` : ''}>${notice}</div>`;
}

/** A text input with its label and, when given, a hint tied to it for screen readers. */
export function field(options: {
  name: string;
  label: string;
  type?: string;
  value?: string;
  autocomplete?: string;
  hint?: string;
  required?: boolean;
  maxlength?: number;
  invalid?: boolean;
}): Html {
  const { name, label, type = 'text', value, autocomplete, hint, required = false, maxlength, invalid = false } = options;
  const hintId = `${name}-hint`;
  return html`<div class="field">
<label for="${name}">${label}</label>
${hint ? html`<p class="hint" id="${hintId}">${hint}</p>` : ''}<input id="${name}" name="${name}" type="${type}"${value !== undefined ? html` value="${value}"` : ''}${autocomplete ? html` autocomplete="${autocomplete}"` : ''}${required ? html` required` : ''}${maxlength ? html` maxlength="${maxlength}"` : ''}${hint ? html` aria-describedby="${hintId}"` : ''}${invalid ? html` aria-invalid="true"` : ''}>
</div>`;
}
