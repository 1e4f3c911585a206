import { DomainError, NotFoundError } from '../core/errors/domain-error';

export class NotificationNotFoundError extends NotFoundError {
  constructor() {
    super('notification', 'notification.not_found');
  }
}

export class NotificationRecipientsMissingError extends DomainError {
  constructor() {
    super(
      'notification.no_recipients',
      500,
      'A notification needs at least one user or email address.',
    );
  }
}
