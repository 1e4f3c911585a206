/** Startup problems with the database configuration (not request errors). */
export class DatabaseError extends Error {
  override name = 'DatabaseError';
}
