import nodemailer from 'nodemailer';
import type { MailTransport } from './mailer';

/**
 * SMTP through nodemailer: the local stack's maildev (MAIL_TRANSPORT=smtp,
 * which a deployed function refuses, lib/platform/config.ts). nodemailer is
 * left out of the bundles (serverless.yml `exclude`) and resolved from
 * node_modules when a local run sends its first mail; a deployed function
 * sends through SES (./ses.ts) and never loads it (issue 27: 244 kB less in
 * every function that mails).
 */
export function smtpTransport(url: string, timeoutMs: number): MailTransport {
  const timeouts = { connectionTimeout: timeoutMs, greetingTimeout: timeoutMs, socketTimeout: timeoutMs };
  const transport = nodemailer.createTransport({ url, ...timeouts } as Parameters<typeof nodemailer.createTransport>[0]);
  return (mail) => transport.sendMail(mail);
}
