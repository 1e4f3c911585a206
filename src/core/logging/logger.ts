import { LoggerService } from '@nestjs/common';
import { ClsServiceManager } from 'nestjs-cls';
import pino, { Logger } from 'pino';

/**
 * JSON logs (pino). Every line written inside a request or job carries its requestId, read from
 * CLS, so one id ties the HTTP log, the service logs and the audit event together.
 */
export function createRootLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const destination = options.pretty ? prettyStream() : undefined;
  const logger = pino(
    {
      level,
      base: { service: 'grant-commons' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.refreshToken'],
      mixin() {
        const cls = ClsServiceManager.getClsService();
        if (!cls.isActive()) return {};
        const requestId = cls.get<string | undefined>('requestId') ?? cls.getId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
  return logger;
}

/**
 * Human-readable lines for a terminal (pino-pretty, synchronous so nothing is lost on exit).
 * pino-pretty is a development dependency: where it is absent (a production image), JSON stays.
 */
function prettyStream(): pino.DestinationStream | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const pretty = require('pino-pretty') as (
      options: Record<string, unknown>,
    ) => pino.DestinationStream;
    return pretty({
      colorize: true,
      sync: true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,service,context',
      messageFormat: '{if context}[{context}] {end}{msg}',
    });
  } catch {
    return undefined;
  }
}

/** Nest's start-up chatter (one line per module and per route): debug, not info. */
const CHATTY_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

/** Adapts pino to Nest's LoggerService so framework and module logs share one stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly pino: Logger) {}

  private write(
    level: 'info' | 'error' | 'warn' | 'debug' | 'trace',
    message: unknown,
    rest: unknown[],
  ) {
    const last = rest[rest.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    if (message !== null && typeof message === 'object') {
      this.pino[level]({ context, ...message });
    } else {
      this.pino[level]({ context }, String(message));
    }
  }

  log(message: unknown, ...rest: unknown[]) {
    const context = rest[rest.length - 1];
    this.write(
      typeof context === 'string' && CHATTY_CONTEXTS.has(context) ? 'debug' : 'info',
      message,
      rest,
    );
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('trace', message, rest);
  }
}
