export { transportMailer, type Mail, type MailTransport, type Mailer, type OutgoingMail } from './mailer';
export { linkTo, templates, type MailContext } from './templates';
