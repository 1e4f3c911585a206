import { Controller, Get, Inject, OnModuleInit, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public, WithoutTransaction } from '../access/access.decorators';
import { HealthChecks } from './health-checks';

@ApiTags('health')
@Controller('health')
@Public()
@WithoutTransaction()
export class HealthController implements OnModuleInit {
  constructor(
    private readonly checks: HealthChecks,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {}

  onModuleInit(): void {
    this.checks.register('database', async () => {
      await this.dataSource.query('SELECT 1');
    });
  }

  /** The process is up (no dependencies checked: a failing database must not restart it). */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: its database (and Redis, when configured) answer. */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    if (this.checks.draining) {
      void reply.status(503);
      return { status: 'draining', checks: {} };
    }
    const checks = await this.checks.run();
    const ok = Object.values(checks).every((state) => state === 'up');
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
