/**
 * One template per kind of mail: plain text, and the same in simple HTML.
 * Links are built from the configured public base URL only (PUBLIC_BASE_URL),
 * never from the request's Host or X-Forwarded-Host: a forged header would
 * otherwise send the user's token to the attacker's site (OWASP Forgot
 * Password cheat sheet, "URL tokens").
 */
import { escapeHtml } from '../pages/html';
import type { Mail } from './mailer';

export interface MailContext {
  productName: string;
  baseUrl: string;
}

/** A link to `path` on the service, the token in the query (the page POSTs it; a GET never spends it). */
export const linkTo = (baseUrl: string, path: string, token: string): string => `${baseUrl}${path}?token=${encodeURIComponent(token)}`;

function mail(context: MailContext, subject: string, paragraphs: string[], link?: { url: string; label: string }): Mail {
  const text = [...paragraphs, ...(link ? [`${link.label}: ${link.url}`] : []), `— ${context.productName}`].join('\n\n');
  const html =
    `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">` +
    paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('') +
    (link ? `<p><a href="${escapeHtml(link.url)}">${escapeHtml(link.label)}</a></p><p style="font-size:small">${escapeHtml(link.url)}</p>` : '') +
    `<p>— ${escapeHtml(context.productName)}</p></body></html>`;
  return { subject: `${context.productName}: ${subject}`, text, html };
}

export const templates = {
  passwordReset: (c: MailContext, token: string, ttlMinutes: number) =>
    mail(
      c,
      'reset your password',
      [
        'Someone (hopefully you) asked to reset the password of your account.',
        `The link below works once, for ${ttlMinutes} minutes. If you did not ask, ignore this mail: your password stays as it is.`,
      ],
      { url: linkTo(c.baseUrl, '/password/reset', token), label: 'Choose a new password' },
    ),
  passwordChanged: (c: MailContext) =>
    mail(c, 'your password was changed', [
      'The password of your account was just reset, and every session of the account was signed out.',
      'If this was not you, reset your password now and tell us.',
    ]),
  verifyEmail: (c: MailContext, token: string, ttlHours: number) =>
    mail(
      c,
      'confirm your email address',
      ['Please confirm that this address is yours.', `The link works once, for ${ttlHours} hours. If you did not ask for this, ignore this mail.`],
      { url: linkTo(c.baseUrl, '/email/verify', token), label: 'Confirm my address' },
    ),
  emailInUse: (c: MailContext) =>
    mail(c, 'someone tried to register with your address', [
      'Someone tried to register a new account, or move an account, to this email address, which already belongs to your account. Nothing was changed.',
      'If it was you, sign in instead, or use "Forgot password?" on the sign-in page.',
    ]),
  emailChangeRequested: (c: MailContext) =>
    mail(c, 'your email address is being changed', [
      'Someone signed in to your account asked to change its email address. The change happens only once the new address is confirmed; until then this address stays.',
      'If this was not you, reset your password now.',
    ]),
};
