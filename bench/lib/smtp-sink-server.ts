/**
 * A mail server for `npm run bench -- --smtp sink`: `node dist/bench/lib/smtp-sink-server.js`
 * with SMTP_PORT and PORT. It accepts every message over real SMTP (so the API or worker pays
 * what production pays: MIME building, the SMTP dialogue, a connection per message unless the
 * transport pools) and throws it away; GET /count on PORT answers how many it accepted, and
 * serves as the readiness probe. Runs as its own process so its CPU is not charged to the load
 * generator or to the server under test.
 */
import { createServer } from 'node:http';
import { SMTPServer } from 'smtp-server';

let messages = 0;
let recipients = 0;
let connections = 0;

const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  // A relay on the same network answers at once; a reverse DNS lookup per connection would
  // make the sink, not the sender, set the pace.
  disableReverseLookup: true,
  onConnect: (_session, callback) => {
    connections++;
    callback();
  },
  onData: (stream, session, callback) => {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      messages++;
      recipients += session.envelope.rcptTo.length;
      callback();
    });
  },
});
smtp.on('error', () => undefined);
smtp.listen(Number(process.env.SMTP_PORT), '127.0.0.1');

createServer((_req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ messages, recipients, connections }));
}).listen(Number(process.env.PORT), '127.0.0.1');
