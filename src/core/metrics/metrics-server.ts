import {
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { createServer, Server } from 'node:http';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { AppMetrics } from './app-metrics';
import { carriesMetricsToken } from './metrics-token';

/**
 * METRICS_PORT: /metrics on a listener of its own, apart from the public API port (a network
 * policy or the proxy keeps it internal), in the API and in the worker, which has no HTTP
 * server otherwise. With METRICS_TOKEN also set, the token is required here too. A bare
 * node:http server: one route, no need for a second Fastify instance.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    private readonly metrics: AppMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The port it listens on (METRICS_PORT=0 is not allowed; tests read the real one here). */
  get address(): { port: number } | undefined {
    const address = this.server?.address();
    return address && typeof address === 'object' ? { port: address.port } : undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { port, host, token } = this.config.metrics;
    if (port === undefined) return;
    const registry = this.metrics.registry;
    this.server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (request.method !== 'GET' || path !== '/metrics') {
        response.writeHead(404).end();
      } else if (
        token !== undefined &&
        !carriesMetricsToken(request.headers.authorization, token)
      ) {
        response.writeHead(401, { 'www-authenticate': 'Bearer realm="metrics"' }).end();
      } else {
        registry.metrics().then(
          (text) => response.writeHead(200, { 'content-type': registry.contentType }).end(text),
          (error: unknown) => {
            this.logger.warn({ msg: 'metrics collection failed', err: error });
            response.writeHead(500).end();
          },
        );
      }
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    this.logger.log(`metrics at http://${host}:${port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
