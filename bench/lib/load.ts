// autocannon ships no types; this is the part of its API the bench uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: Record<string, unknown>) => AutocannonRun;

interface AutocannonRun extends PromiseLike<AutocannonResult> {
  on(
    event: 'response',
    listener: (client: unknown, status: number, bytes: number, ms: number) => void,
  ): void;
  on(event: 'reqError', listener: (error: Error) => void): void;
  stop(): void;
}
interface AutocannonResult {
  errors: number;
  timeouts: number;
  non2xx: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}

/** One request to send: built per request, so each can name a different record or carry a fresh key. */
export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  /** Called with the response (status, body); e.g. to put a draft back with its new ETag. */
  onResponse?: (status: number, body: string) => void;
}

export interface LoadOptions {
  /** One server, or several: autocannon assigns connection i to url[i % n] (round-robin). */
  url: string | string[];
  connections: number;
  /** Seconds of measurement. */
  seconds: number;
  /** At most this many requests (the supply of distinct records for write scenarios). */
  maxRequests?: number;
  next: () => BenchRequest;
}

export interface LoadFigures {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
  statuses: Record<string, number>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/**
 * Drives `connections` keep-alive connections for `seconds` (or until `maxRequests`) with
 * autocannon, building each request with `next()`. Latency percentiles come from every
 * response's own time (autocannon's histogram reports no p95), throughput from the count of
 * responses over the measured wall time.
 */
export async function runLoad(options: LoadOptions): Promise<LoadFigures> {
  const latencies: number[] = [];
  let errors = 0;
  const build = (request: Record<string, unknown>, context: Record<string, unknown>) => {
    const r = options.next();
    context.request = r;
    const headers: Record<string, string> = { ...(r.headers ?? {}) };
    let body: string | undefined;
    if (r.body !== undefined) {
      body = JSON.stringify(r.body);
      headers['content-type'] = 'application/json';
    }
    return { ...request, method: r.method, path: r.path, headers, body };
  };
  const started = performance.now();
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    pipelining: 1,
    timeout: 30,
    ...(options.maxRequests
      ? { amount: Math.max(options.maxRequests, options.connections) }
      : { duration: options.seconds }),
    requests: [
      {
        setupRequest: build,
        onResponse: (status: number, body: string, context: Record<string, unknown>) =>
          (context.request as BenchRequest | undefined)?.onResponse?.(status, body),
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, ms) => latencies.push(ms));
  instance.on('reqError', () => errors++);
  const timer = options.maxRequests
    ? setTimeout(() => instance.stop(), options.seconds * 1000)
    : undefined;
  const result = await instance;
  if (timer) clearTimeout(timer);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const statuses: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) statuses[code] = count;
  return {
    requests: latencies.length,
    seconds,
    rps: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? NaN,
    errors: result.errors + errors,
    non2xx: result.non2xx,
    statuses,
  };
}
