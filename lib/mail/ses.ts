import type { SendEmailCommand, SendEmailCommandInput, SESv2Client } from '@aws-sdk/client-sesv2';
import type { MailTransport, OutgoingMail } from './mailer';

/**
 * Amazon SES in AWS: SESv2 `SendEmail` with Simple content, which SES turns
 * into a MIME message itself (multipart/alternative, UTF-8). Not nodemailer's
 * SES transport: that one composes the MIME message in the function (its
 * MailComposer and mime-funcs, about 140 kB minified) to send it as Raw
 * content, and our mails are one subject, one text and one HTML part, which
 * Simple content carries as they are. The SESv2 client is the Lambda
 * runtime's (not bundled).
 */
export function sesTransport(
  client: Pick<SESv2Client, 'send'>,
  Command: typeof SendEmailCommand,
  configurationSet: string | undefined,
): MailTransport {
  return (mail) => client.send(new Command(sendEmailInput(mail, configurationSet)));
}

const utf8 = (data: string) => ({ Data: data, Charset: 'UTF-8' });

export function sendEmailInput(mail: OutgoingMail, configurationSet: string | undefined): SendEmailCommandInput {
  return {
    FromEmailAddress: friendlyFrom(mail.from),
    Destination: { ToAddresses: [mail.to] },
    Content: { Simple: { Subject: utf8(mail.subject), Body: { Text: utf8(mail.text), Html: utf8(mail.html) } } },
    ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}),
  };
}

/**
 * SES takes the sender as `Name <address>`, 7-bit ASCII only: a name with
 * other characters (PRODUCT_NAME's "Café Auth") must come as an RFC 2047
 * encoded-word (SES API v2 reference, FromEmailAddress). Hand-written, as
 * the one header SES does not encode for us; an ASCII sender passes as is.
 */
export function friendlyFrom(from: string): string {
  const match = /^\s*"?(.*?)"?\s*<([^<>]+)>\s*$/.exec(from);
  if (!match || /^[\x20-\x7e]*$/.test(match[1])) return from;
  return `=?UTF-8?B?${Buffer.from(match[1], 'utf8').toString('base64')}?= <${match[2]}>`;
}
