/** What an email needs to know of a person. */
export interface NoticeRecipient {
  id: string;
  email: string;
  name: string;
  /** Their saved language ('en' | 'es'), or null: emails to them are then in English. */
  locale?: string | null;
}

/**
 * The port through which notifications learn who is behind a user id. Identity provides it
 * (UserAccounts), so notifications import nothing of identity and identity may notify freely:
 * the two modules no longer import each other.
 */
export interface RecipientDirectory {
  contactsFor(userIds: string[]): Promise<NoticeRecipient[]>;
}

export const RECIPIENT_DIRECTORY = Symbol('RecipientDirectory');
