import { ConfigError } from '../config/env';

/**
 * A start-up failure a person can act on: what happened and what to do, in plain words. The
 * entry points print its message alone (no stack) and exit non-zero.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

interface SystemError {
  code?: string;
  address?: string;
  port?: number;
  message?: string;
  errors?: unknown[];
}

/**
 * The one sentence (or two) printed for a failed start. Known causes are named with the variable
 * that fixes them; anything else keeps its stack, since only a developer can act on it.
 */
export function describeStartupFailure(error: unknown): { text: string; known: boolean } {
  if (error instanceof StartupError) return { text: error.message, known: true };
  if (error instanceof ConfigError) return { text: error.message, known: true };
  const system = systemErrorOf(error);
  if (system?.code === 'ECONNREFUSED') {
    const where = system.address ? `${system.address}:${system.port}` : 'the configured address';
    return {
      text: `nothing accepts connections at ${where}. Check DATABASE_URL, DATABASE_OWNER_URL and REDIS_URL, and that the server they name is running.`,
      known: true,
    };
  }
  const pgCode = (error as { code?: string } | undefined)?.code;
  const pgHints: Record<string, string> = {
    '28P01':
      'the database refused the password: check the user and password in DATABASE_URL and DATABASE_OWNER_URL.',
    '28000':
      'the database refused the role: check the user in DATABASE_URL and DATABASE_OWNER_URL (npm run db:setup creates them).',
    '3D000':
      'the database named in DATABASE_URL does not exist: create it with npm run db:setup (DATABASE_ADMIN_URL).',
  };
  if (pgCode && pgHints[pgCode]) {
    return { text: `${pgHints[pgCode]} (${(error as Error).message})`, known: true };
  }
  if (error instanceof Error) return { text: error.stack ?? error.message, known: false };
  return {
    text: `an error without a message (${String(error)}). Run again with LOG_LEVEL=debug to see what came before it.`,
    known: false,
  };
}

/** Node reports a refused connection to a host with several addresses as an AggregateError. */
function systemErrorOf(error: unknown): SystemError | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as SystemError;
  if (e.code) return e;
  const inner = e.errors?.find((x) => (x as SystemError)?.code);
  return inner as SystemError | undefined;
}
