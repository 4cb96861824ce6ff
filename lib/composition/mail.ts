// Mail through nodemailer: SMTP locally (maildev), Amazon SES in AWS (the SESv2 client, loaded only there).
import nodemailer from 'nodemailer';
import { nodemailerMailer, type MailContext } from '../mail';
import { config } from '../platform/config';

function transport() {
  if (config.mail.transport === 'smtp') {
    const timeouts = { connectionTimeout: config.mail.timeoutMs, greetingTimeout: config.mail.timeoutMs, socketTimeout: config.mail.timeoutMs };
    return nodemailer.createTransport({ url: config.mail.smtpUrl, ...timeouts } as Parameters<typeof nodemailer.createTransport>[0]);
  }
  // Required here only: the SES client is no cost to a local run.
  const { SESv2Client, SendEmailCommand } = require('@aws-sdk/client-sesv2') as typeof import('@aws-sdk/client-sesv2'); // eslint-disable-line @typescript-eslint/no-require-imports
  return nodemailer.createTransport({ SES: { sesClient: new SESv2Client({}), SendEmailCommand } });
}

/** maildev takes any sender; SES only its verified identity's, which nothing here can guess. */
const LOCAL_SENDER = `${config.mail.productName} <no-reply@localhost>`;

function sender(): string {
  if (config.mail.from) return config.mail.from;
  if (config.mail.transport === 'smtp') return LOCAL_SENDER;
  throw new Error('Invalid configuration: MAIL_FROM is required with MAIL_TRANSPORT=ses');
}

export const mailer = nodemailerMailer(transport(), {
  from: sender(),
  sesConfigurationSet: config.mail.sesConfigurationSet,
  timeoutMs: config.mail.timeoutMs,
});
export const mailContext: MailContext = { productName: config.mail.productName, baseUrl: config.publicBaseUrl };
