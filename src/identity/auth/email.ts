/** The one normalization of emails: how they are stored, looked up, and throttled. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
