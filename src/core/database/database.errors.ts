import { StartupError } from '../startup/startup-error';

/**
 * Startup problems with the database configuration (not request errors). A StartupError, so the
 * entry points print the message alone: it names the variable that fixes it.
 */
export class DatabaseError extends StartupError {
  override name = 'DatabaseError';
}
