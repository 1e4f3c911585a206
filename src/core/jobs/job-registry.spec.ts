import 'reflect-metadata';
import { Injectable, Module, Type } from '@nestjs/common';
import { DiscoveryModule, NestFactory } from '@nestjs/core';
import { HandlesJob } from './handles-job.decorator';
import { JobHandlerRegistry } from './job-registry';
import { defineJob, JobName } from './job-types';

// Names outside the typed catalog: this spec defines its own jobs at runtime.
const name = (n: string) => n as JobName;
defineJob(name('spec.handled'));
defineJob(name('spec.orphan'));

@Injectable()
@HandlesJob(name('spec.handled'))
class HandledOnce {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

@Injectable()
@HandlesJob(name('spec.handled'))
class HandledTwice {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

@Injectable()
@HandlesJob(name('spec.orphan'))
class OrphanHandler {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

@Injectable()
@HandlesJob(name('spec.never-defined'))
class UndeclaredHandler {
  handle(): Promise<void> {
    return Promise.resolve();
  }
}

async function boot(handlers: Type[]): Promise<JobHandlerRegistry> {
  @Module({ imports: [DiscoveryModule], providers: [JobHandlerRegistry, ...handlers] })
  class SpecModule {}
  const app = await NestFactory.createApplicationContext(SpecModule, {
    logger: false,
    abortOnError: false,
  });
  await app.init();
  const registry = app.get(JobHandlerRegistry);
  await app.close();
  return registry;
}

describe('JobHandlerRegistry (boot check)', () => {
  it('boots when every defined job has exactly one handler', async () => {
    const registry = await boot([HandledOnce, OrphanHandler]);
    expect(registry.handlerFor('spec.handled')).toBeInstanceOf(HandledOnce);
    expect(registry.handlerFor('spec.orphan')).toBeInstanceOf(OrphanHandler);
  });

  it('refuses to boot when a defined job has no handler', async () => {
    await expect(boot([HandledOnce])).rejects.toThrow('job "spec.orphan" has no handler');
  });

  it('refuses to boot when a job has two handlers', async () => {
    await expect(boot([HandledOnce, HandledTwice, OrphanHandler])).rejects.toThrow(
      'job "spec.handled" has 2 handlers: HandledOnce, HandledTwice',
    );
  });

  it('refuses a handler for a job nobody defined', async () => {
    await expect(boot([HandledOnce, OrphanHandler, UndeclaredHandler])).rejects.toThrow(
      'UndeclaredHandler handles "spec.never-defined", which no defineJob() declares',
    );
  });
});
