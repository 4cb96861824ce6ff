export { nodemailerMailer, type Mail, type Mailer } from './mailer';
export { linkTo, templates, type MailContext } from './templates';
