import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppConfig, ConfigError } from '../config/env';
import { describeStartupFailure } from './startup-error';

/**
 * `.env` in the working folder, when present, fills variables the environment does not set
 * (the environment wins). Node's own loader: no dotenv dependency needed on Node >= 20.12.
 */
export function loadDotEnv(file = resolve('.env')): void {
  if (existsSync(file)) process.loadEnvFile(file);
}

/** How an entry point ends a failed start: one plain message for known causes, else the stack. */
export function exitOnStartupFailure(program: string, error: unknown, code = 1): never {
  const { text, known } = describeStartupFailure(error);
  process.stderr.write(
    known ? `${program} could not start: ${text}\n` : `${program} failed to start: ${text}\n`,
  );
  process.exit(error instanceof ConfigError ? 78 : code); // 78: EX_CONFIG
}

/** Pretty lines for a person at a terminal; JSON for everything else (files, pipes, production). */
export function prettyConsole(config: Pick<AppConfig, 'nodeEnv'>): boolean {
  return Boolean(process.stdout.isTTY) && config.nodeEnv !== 'production';
}
