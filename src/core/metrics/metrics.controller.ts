import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public, WithoutTransaction } from '../access/access.decorators';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';
import { NotFoundError, UnauthenticatedError } from '../errors/domain-error';
import { AppMetrics } from './app-metrics';
import { carriesMetricsToken } from './metrics-token';

/**
 * GET /metrics on the API's own port, only when METRICS_TOKEN is set, and only with that
 * bearer token (Prometheus's `authorization` scrape setting). Without a token configured the
 * route answers 404 like any unknown path: metrics name routes, agencies and job names, which
 * are not for the public. No transaction: a scrape must not take a pooled connection it does
 * not need (the outbox gauge takes its own, briefly).
 */
@ApiExcludeController()
@Controller('metrics')
@Public()
@WithoutTransaction()
export class MetricsController {
  constructor(
    private readonly metrics: AppMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  async scrape(
    @Headers('authorization') authorization: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const token = this.config.metrics.token;
    if (token === undefined) throw new NotFoundError('route', 'route.not_found');
    if (!carriesMetricsToken(authorization, token)) {
      void reply.header('www-authenticate', 'Bearer realm="metrics"');
      throw new UnauthenticatedError('The metrics need their bearer token.');
    }
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
