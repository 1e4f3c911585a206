import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * `npm run dev`: swc rebuilds dist/ on every change under src/ and migrations/, and `node --watch`
 * restarts the server when a file it loaded changes. The restart is a SIGTERM, which the server
 * handles as at Ctrl-C (the embedded database stops cleanly and is reused by the next start).
 * Started after one full build (npm run dev builds first), so the server starts on current code.
 */
const swcBin = resolve('node_modules/.bin/swc');
const children: ChildProcess[] = [
  spawn(swcBin, ['src', 'migrations', '-d', 'dist', '--quiet', '--watch'], { stdio: 'inherit' }),
  spawn(process.execPath, ['--watch', '--enable-source-maps', resolve('dist/src/main.js')], {
    stdio: 'inherit',
  }),
];

let stopping = false;
function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  // The server needs a moment to stop its embedded database; node --watch passes the signal on.
  Promise.all(
    children.map((c) => new Promise((r) => (c.exitCode !== null ? r(0) : c.once('exit', r)))),
  )
    .then(() => process.exit(code))
    .catch(() => process.exit(1));
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
for (const child of children) child.once('exit', (code) => stop(code ?? 1));
