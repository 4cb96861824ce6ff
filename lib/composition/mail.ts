// Mail: Amazon SES in AWS (SESv2 SendEmail, the runtime's SDK), SMTP to maildev locally (nodemailer, never
// deployed). Each transport's client is required only when the first mail goes out (lib/mail/mailer.ts).
import { transportMailer, type MailContext, type MailTransport } from '../mail';
import { sesTransport } from '../mail/ses';
import { config } from '../platform/config';

function transport(): MailTransport {
  if (config.mail.transport === 'smtp') {
    // nodemailer is not in the bundle (serverless.yml `exclude`): node_modules' copy, under `npm start` and the tests.
    const { smtpTransport } = require('../mail/smtp') as typeof import('../mail/smtp'); // eslint-disable-line @typescript-eslint/no-require-imports
    return smtpTransport(config.mail.smtpUrl, config.mail.timeoutMs);
  }
  const { SESv2Client, SendEmailCommand } = require('@aws-sdk/client-sesv2') as typeof import('@aws-sdk/client-sesv2'); // eslint-disable-line @typescript-eslint/no-require-imports
  return sesTransport(new SESv2Client({}), SendEmailCommand, config.mail.sesConfigurationSet);
}

/** maildev takes any sender; SES only its verified identity's, which nothing here can guess. */
const LOCAL_SENDER = `${config.mail.productName} <no-reply@localhost>`;

function sender(): string {
  if (config.mail.from) return config.mail.from;
  if (config.mail.transport === 'smtp') return LOCAL_SENDER;
  throw new Error('Invalid configuration: MAIL_FROM is required with MAIL_TRANSPORT=ses');
}

export const mailer = transportMailer(transport, { from: sender(), timeoutMs: config.mail.timeoutMs });
export const mailContext: MailContext = { productName: config.mail.productName, baseUrl: config.publicBaseUrl };
