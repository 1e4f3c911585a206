import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { HANDLES_JOB } from './handles-job.decorator';
import { JobRegistryError } from './jobs.errors';
import { definedJobs, JobHandler } from './job-types';

/**
 * Finds the @HandlesJob providers at boot and checks them against the defined jobs: every
 * defined name has exactly one handler and every handler names a defined job. A mismatch
 * stops boot (a job nobody handles would otherwise sit in the outbox until it dead-letters).
 */
@Injectable()
export class JobHandlerRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, JobHandler>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const found = new Map<string, string[]>();
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      const metatype = wrapper.metatype as { name: string } | null | undefined;
      if (!instance || !metatype) continue;
      const name = Reflect.getMetadata(HANDLES_JOB, metatype) as string | undefined;
      if (!name) continue;
      found.set(name, [...(found.get(name) ?? []), metatype.name]);
      if (typeof (instance as Partial<JobHandler>).handle !== 'function') {
        throw new JobRegistryError(`${metatype.name} handles "${name}" but has no handle() method`);
      }
      this.handlers.set(name, instance as JobHandler);
    }
    const problems: string[] = [];
    const defined = new Set(definedJobs().map((d) => d.name as string));
    for (const name of defined) {
      const owners = found.get(name) ?? [];
      if (owners.length === 0) problems.push(`job "${name}" has no handler`);
      if (owners.length > 1)
        problems.push(`job "${name}" has ${owners.length} handlers: ${owners.join(', ')}`);
    }
    for (const [name, owners] of found) {
      if (!defined.has(name))
        problems.push(`${owners.join(', ')} handles "${name}", which no defineJob() declares`);
    }
    if (problems.length)
      throw new JobRegistryError(
        `Job handlers do not match the job catalog:\n  - ${problems.join('\n  - ')}`,
      );
  }

  handlerFor(name: string): JobHandler | undefined {
    return this.handlers.get(name);
  }
}
