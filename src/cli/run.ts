import { describeStartupFailure } from '../core/startup/startup-error';
import { loadDotEnv } from '../core/startup/entry-point';

/**
 * Runs a command-line entry point (after reading .env when present): known failures print one
 * plain message, anything else its stack.
 */
export function runCli(name: string, main: () => Promise<void>): void {
  loadDotEnv();
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      const { text, known } = describeStartupFailure(error);
      process.stderr.write(known ? `${name}: ${text}\n` : `${name} failed: ${text}\n`);
      process.exit(1);
    },
  );
}
