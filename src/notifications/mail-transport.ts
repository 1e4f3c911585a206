import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, SendMailOptions, Transporter } from 'nodemailer';
import { APP_CONFIG } from '../core/config/config.module';
import { AppConfig } from '../core/config/env';

export interface OutgoingEmail {
  from: { name: string; address: string };
  replyTo?: string;
  to: { name?: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** Deterministic per job and recipient: a resent duplicate carries the same Message-ID. */
  messageId: string;
  headers?: Record<string, string>;
}

/**
 * Sends email over SMTP (SMTP_URL). Without SMTP_URL nothing leaves the machine: messages are
 * rendered the same way and recorded in the log (and kept in memory, the last 100), which the
 * log says once at start so nobody waits for mail that is never sent.
 *
 * SMTP connections are pooled (one per job slot at most) and reused across messages: a
 * handshake per message cost more than the message itself
 * (docs/decisions/0005-pooled-smtp-connections.md).
 */
@Injectable()
export class MailTransport implements OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transporter: Transporter;
  readonly recording: boolean;
  /** Without SMTP: the last messages "sent" (development and demos). */
  readonly recorded: OutgoingEmail[] = [];
  /** In development the log carries the text too: it is where a developer reads the links. */
  private readonly logBodies: boolean;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.recording = !config.smtpUrl;
    this.logBodies = this.recording && config.nodeEnv === 'development';
    if (config.smtpUrl) {
      // Options in the object, the URL's own settings (host, port, auth, ?pool=...) win. (The
      // second argument of createTransport holds message defaults, not transport options.)
      this.transporter = createTransport({
        url: config.smtpUrl,
        pool: true,
        maxConnections: config.jobs.concurrency,
        idleTimeout: 30_000,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
    } else {
      this.transporter = createTransport({ jsonTransport: true });
      this.logger.warn({ msg: 'SMTP_URL is not set: emails are recorded in the log, not sent' });
    }
  }

  async send(email: OutgoingEmail): Promise<void> {
    const message: SendMailOptions = {
      from: email.from,
      replyTo: email.replyTo,
      to: email.to,
      subject: email.subject,
      text: email.text,
      html: email.html,
      messageId: email.messageId,
      headers: email.headers,
    };
    await this.transporter.sendMail(message);
    if (this.recording) {
      this.recorded.push(email);
      if (this.recorded.length > 100) this.recorded.shift();
      this.logger.log({
        msg: 'email recorded, not sent (no SMTP_URL)',
        to: email.to.address,
        subject: email.subject,
        messageId: email.messageId,
        ...(this.logBodies ? { text: email.text } : {}),
      });
    }
  }

  onApplicationShutdown(): void {
    this.transporter.close();
  }
}
