import { Controller, Get, Inject, OnModuleInit, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public, WithoutTransaction } from '../access/access.decorators';
import { READ_DATA_SOURCE } from '../database/database.module';
import { HealthChecks } from './health-checks';

@ApiTags('health')
@Controller('health')
@Public()
@WithoutTransaction()
export class HealthController implements OnModuleInit {
  constructor(
    private readonly checks: HealthChecks,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(READ_DATA_SOURCE) private readonly readSource: DataSource | null,
  ) {}

  onModuleInit(): void {
    this.checks.register('database', async () => {
      await this.dataSource.query('SELECT 1');
    });
    // Lists, exports and reports fail without it: not ready (the load balancer moves on).
    const readSource = this.readSource;
    if (readSource) {
      this.checks.register('databaseRead', async () => {
        await readSource.query('SELECT 1');
      });
    }
  }

  /** The process is up (no dependencies checked: a failing database must not restart it). */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** The process can serve: its database, read pool and Redis (those configured) answer. */
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
