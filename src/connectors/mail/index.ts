export {
  createMailer,
  classifyMailError,
  MailError,
  type Mailer,
  type MailMessage,
  type MailAttachment,
} from './mailer.ts';
