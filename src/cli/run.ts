import { ConfigError } from '../core/config/env';

/** Runs a command-line entry point: config errors print plainly, anything else with a stack. */
export function runCli(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof ConfigError) process.stderr.write(`${name}: ${error.message}\n`);
      else
        process.stderr.write(
          `${name} failed: ${error instanceof Error ? error.stack : String(error)}\n`,
        );
      process.exit(1);
    },
  );
}
