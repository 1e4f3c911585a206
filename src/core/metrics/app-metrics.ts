import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Seconds; from a fast cached GET (~5 ms) to a slow export. */
const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Seconds; jobs wait and run longer than requests (emails, PDFs, payment files). */
const JOB_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/**
 * The process's Prometheus metrics, in a registry of its own (not prom-client's global one, so
 * two applications in one test process do not collide). Labels are bounded by construction:
 * route patterns (never raw URLs), status codes, job names, and the codes of configured
 * agencies only. Histograms carry no agency label: route × agency × buckets would multiply
 * series past what a Prometheus server keeps cheaply; the counters carry it.
 */
export class AppMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'gc_http_requests_total',
    help: 'HTTP requests answered, by route pattern, method, status and agency code.',
    labelNames: ['method', 'route', 'status', 'agency'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'gc_http_request_duration_seconds',
    help: 'Time from receiving a request to the end of its answer, by route pattern and method.',
    labelNames: ['method', 'route'] as const,
    buckets: HTTP_BUCKETS,
    registers: [this.registry],
  });

  readonly jobs = new Counter({
    name: 'gc_jobs_total',
    help: 'Job runs by job name, outcome (done, skipped, retry, dead, lost) and agency code.',
    labelNames: ['job', 'outcome', 'agency'] as const,
    registers: [this.registry],
  });

  readonly jobFailures = new Counter({
    name: 'gc_job_failures_total',
    help: 'Failed job attempts (retry, dead or lost) by job name and agency code.',
    labelNames: ['job', 'agency'] as const,
    registers: [this.registry],
  });

  readonly jobDuration = new Histogram({
    name: 'gc_job_duration_seconds',
    help: 'Time a job took to run and commit (or fail), by job name.',
    labelNames: ['job'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  readonly jobLag = new Histogram({
    name: 'gc_job_lag_seconds',
    help: 'Time from a job being due (enqueued, or its retry backoff over) to its run starting.',
    labelNames: ['job'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  readonly scheduleRuns = new Counter({
    name: 'gc_schedule_runs_total',
    help: 'Scheduled work run in an agency (one per tick and agency), by schedule name, outcome (done, failed) and agency code.',
    labelNames: ['schedule', 'outcome', 'agency'] as const,
    registers: [this.registry],
  });

  readonly outboxRelayed = new Counter({
    name: 'gc_outbox_relayed_total',
    help: 'Outbox rows the relay handed to the driver: first deliveries, and republished (lease ran out, or a retry).',
    labelNames: ['delivery'] as const,
    registers: [this.registry],
  });

  readonly outboxRelayFailures = new Counter({
    name: 'gc_outbox_relay_failures_total',
    help: 'Relay rounds that failed to claim or hand over (database or Redis away).',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    // Process CPU, memory, event-loop lag, GC: collected on scrape.
    if (options.defaultMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: 'gc_' });
    }
  }

  /** A gauge whose value is read when Prometheus scrapes (pool use, outbox backlog). */
  gaugeOnScrape<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (gauge: Gauge<L>) => Promise<void> | void,
  ): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        return collect(this);
      },
    });
  }
}
