import { Global, Module } from '@nestjs/common';
import { EmailNotificationHandler } from './email-notification.job';
import { MailTransport } from './mail-transport';
import { MyNotificationsController } from './my-notifications.controller';
import { MyNotifications } from './my-notifications.service';
import { NotificationService } from './notification.service';

/**
 * Notices to people: in-app (GET /me/notifications) and email (one outbox job per change, for
 * all its notices and recipients, sent over pooled SMTP connections with the agency's sender and
 * branding). Other modules use NotificationService (global, like the audit log: every capability
 * tells people things).
 */
@Global()
@Module({
  controllers: [MyNotificationsController],
  providers: [NotificationService, MyNotifications, MailTransport, EmailNotificationHandler],
  // EmailNotificationHandler: for a job that mints a secret and sends its email itself.
  // MailTransport: its record of unsent mail feeds the development outbox page (/dev/mail);
  // MyNotifications: the web pages list and mark the signed-in user's notices.
  exports: [NotificationService, EmailNotificationHandler, MailTransport, MyNotifications],
})
export class NotificationsModule {}
