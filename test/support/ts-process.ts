import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(__dirname, '..', '..');

/**
 * A `node -e` script that runs a TypeScript file of the project (src/main.ts, a CLI, a test's
 * child) in a real child process, compiling on require with swc as @swc/jest does, so tests that
 * start processes need no build step. `entry` is relative to the repository or absolute.
 */
export function tsEntryScript(entry: string): string {
  return `
const { readFileSync } = require('node:fs');
const root = ${JSON.stringify(REPO_ROOT)};
const { transformSync } = require(require.resolve('@swc/core', { paths: [root] }));
// .swcrc has one entry for .ts and one for .tsx (the pages): each extension compiles with its own.
const entries = JSON.parse(readFileSync(root + '/.swcrc', 'utf8'));
for (const extension of ['.ts', '.tsx']) {
  const { test, $schema, ...options } = entries.find((e) => new RegExp(e.test).test('x' + extension));
  require.extensions[extension] = (module, filename) => {
    const { code } = transformSync(readFileSync(filename, 'utf8'), { ...options, filename, sourceMaps: 'inline', swcrc: false });
    module._compile(code, filename);
  };
}
require(${JSON.stringify(resolve(REPO_ROOT, entry))});
`;
}

export class TsProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(entry: string, env: Record<string, string | undefined>, cwd = REPO_ROOT) {
    this.child = spawn(process.execPath, ['-e', tsEntryScript(entry)], {
      cwd,
      env: { ...process.env, NODE_ENV: 'development', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.stdout += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((done) => this.child.once('exit', (code) => done(code)));
  }

  /** Resolves when stdout or stderr shows the pattern; rejects if the process exits first. */
  output(pattern: RegExp): Promise<string> {
    return new Promise((done, fail) => {
      const check = () => {
        const match = (this.stdout + this.stderr).match(pattern);
        if (!match) return false;
        cleanup();
        done(match[0]);
        return true;
      };
      const onExit = (code: number | null) => {
        if (check()) return;
        cleanup();
        fail(new Error(`exited (${code}) before ${pattern}:\n${this.stdout}\n${this.stderr}`));
      };
      const cleanup = () => {
        this.child.stdout!.off('data', check);
        this.child.stderr!.off('data', check);
        this.child.off('exit', onExit);
      };
      if (check()) return;
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        return onExit(this.child.exitCode);
      }
      this.child.stdout!.on('data', check);
      this.child.stderr!.on('data', check);
      this.child.once('exit', onExit);
    });
  }

  async stop(): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}
