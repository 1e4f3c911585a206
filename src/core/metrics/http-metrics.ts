import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  onResponseHookHandler,
  RouteOptions,
} from 'fastify';
import type { TenantDirectory } from '../access/access.ports';
import { AppMetrics } from './app-metrics';

type Child = { inc(): void };
type Timer = { observe(value: number): void };

/**
 * Counts and times every answer by its route pattern (never the raw URL, whose ids would make
 * a series per application) and, on agency routes, the agency code when it names a configured
 * agency (anything else is '', so a caller cannot mint label values).
 *
 * Each route gets its own onResponse hook, made when the route is registered and knowing its
 * pattern, so the request path pays no lookup of the route (Fastify's `request.routeOptions`
 * builds an object on every read): a few Map lookups by method, status and agency code find
 * the already-made prom-client children. Requests no route matched share one global hook.
 */
export function installHttpMetrics(
  fastify: FastifyInstance,
  metrics: AppMetrics,
  directory: TenantDirectory | undefined,
): void {
  const unmatched = recorder(metrics, '(unmatched)', false, directory);
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const hook = recorder(metrics, route.url, route.url.includes(':agencyCode'), directory);
    const existing = route.onResponse;
    route.onResponse = existing === undefined ? [hook] : [...[existing].flat(), hook];
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    if (request.is404) unmatched.call(fastify, request, reply, done);
    else done();
  });
}

function recorder(
  metrics: AppMetrics,
  route: string,
  agencyRoute: boolean,
  directory: TenantDirectory | undefined,
): onResponseHookHandler {
  // method → status → agency code → counter child; method → histogram child.
  const counters = new Map<string, Map<number, Map<string, Child>>>();
  const timers = new Map<string, Timer>();

  return function recordAnswer(request: FastifyRequest, reply: FastifyReply, done: () => void) {
    const method = request.method;
    const status = reply.statusCode;
    let agency = '';
    if (agencyRoute) {
      const code = (request.params as { agencyCode?: string } | undefined)?.agencyCode;
      if (code !== undefined && directory?.findByCode(code) !== undefined) agency = code;
    }
    let byStatus = counters.get(method);
    if (byStatus === undefined)
      counters.set(method, (byStatus = new Map<number, Map<string, Child>>()));
    let byAgency = byStatus.get(status);
    if (byAgency === undefined) byStatus.set(status, (byAgency = new Map<string, Child>()));
    let counter = byAgency.get(agency);
    if (counter === undefined) {
      counter = metrics.httpRequests.labels(method, route, String(status), agency);
      byAgency.set(agency, counter);
    }
    counter.inc();
    let timer = timers.get(method);
    if (timer === undefined)
      timers.set(method, (timer = metrics.httpDuration.labels(method, route)));
    timer.observe(reply.elapsedTime / 1000);
    done();
  };
}
