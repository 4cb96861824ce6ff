import { describeError } from '../platform/errors';
import { securityEvent } from '../platform/security-events';

/** One mail, as the templates make it: plain text for every client, simple HTML beside it. */
export interface Mail {
  subject: string;
  text: string;
  html: string;
}

/** One mail with its envelope, as a transport sends it. */
export interface OutgoingMail extends Mail {
  from: string;
  to: string;
}

/** A way out: SES in AWS (./ses.ts), SMTP to maildev locally (./smtp.ts). Rejects when the mail did not go. */
export type MailTransport = (mail: OutgoingMail) => Promise<unknown>;

/** What the flows send through: SMTP locally, SES in AWS (lib/composition/mail.ts). */
export interface Mailer {
  /**
   * Sends, or reports: a mail that cannot go out is logged as a security
   * event (`mail_failed`) and the call resolves all the same, false. Never
   * throws: the request that asked for it must answer as it would have (an
   * error would tell the client which accounts exist) and keeps its state.
   * Not retried in the request: the user asks again (a new link), and a
   * retry loop would change how long the answer takes for known accounts.
   */
  send(to: string, mail: Mail, kind: string): Promise<boolean>;
}

export interface MailerOptions {
  from: string;
  timeoutMs: number;
}

/**
 * A Mailer over a transport, the same rules for SMTP and SES. The transport
 * is made on the first mail (`transport` is called once): most invocations
 * of a function that may mail send none, and need not load its client.
 */
export function transportMailer(transport: () => MailTransport, options: MailerOptions): Mailer {
  let made: MailTransport | undefined;
  return {
    async send(to, mail, kind) {
      let timer: NodeJS.Timeout | undefined;
      try {
        made ??= transport();
        const sending = made({ from: options.from, to, subject: mail.subject, text: mail.text, html: mail.html });
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`mail not sent within ${options.timeoutMs} ms`)), options.timeoutMs);
        });
        await Promise.race([sending, timeout]);
        return true;
      } catch (error) {
        // The address is the user's: not logged. The kind and the cause are enough to act on.
        const { error: name, code } = describeError(error) as { error: string; code?: string };
        securityEvent('mail_failed', { reason: kind, error: name, ...(code ? { code } : {}) });
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
