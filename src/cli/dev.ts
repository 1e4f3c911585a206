import { ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * `npm run dev`: swc rebuilds dist/ on every change under src/ and migrations/, and `node --watch`
 * restarts the server when a file it loaded changes. The restart is a SIGTERM, which the server
 * handles as at Ctrl-C (the embedded database stops cleanly and the next start reuses it). The
 * server starts once swc's watcher has done its first full build, so it starts once, not twice.
 */
const children: ChildProcess[] = [];

const swc = spawn(
  resolve('node_modules/.bin/swc'),
  ['src', 'migrations', '-d', 'dist', '--watch'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
children.push(swc);
let serverStarted = false;
swc.stdout.on('data', (chunk: Buffer) => {
  const text = chunk.toString();
  // swc's per-change "Successfully compiled" lines are noise next to the server's restart line.
  if (!serverStarted && text.includes('Watching for file changes')) {
    serverStarted = true;
    const server = spawn(
      process.execPath,
      ['--watch', '--enable-source-maps', resolve('dist/src/main.js')],
      { stdio: 'inherit' },
    );
    children.push(server);
    server.once('exit', (code) => stop(code ?? 1));
  }
  if (/error/i.test(text)) process.stderr.write(text);
});

let stopping = false;
function stop(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  // The server needs a moment to stop its embedded database; node --watch passes the signal on.
  const exits = children.map(
    (c) => new Promise((done) => (c.exitCode !== null ? done(0) : c.once('exit', done))),
  );
  Promise.all(exits)
    .then(() => process.exit(code))
    .catch(() => process.exit(1));
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
swc.once('exit', (code) => stop(code ?? 1));
