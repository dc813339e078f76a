import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import type { Config } from '../config.ts';

/** A message Rapport sends. */
export type Mail = { to: string; subject: string; text: string; html?: string };

/** Sends mail over SMTP, or, with no SMTP configured, writes it to the server log instead. */
export type Mailer = { send(mail: Mail): Promise<void> };

/** The mailer the config asks for. */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, log: FastifyBaseLogger): Mailer {
  if (!config.smtpUrl) {
    return {
      async send(mail) {
        log.warn(
          { mail: { to: mail.to, subject: mail.subject, text: mail.text } },
          'SMTP_URL is not set; email written to the log instead of sent',
        );
      },
    };
  }
  const transport = nodemailer.createTransport(config.smtpUrl);
  return {
    async send(mail) {
      await transport.sendMail({ from: config.mailFrom, ...mail });
    },
  };
}
