import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from './core/config/env';
import { CoreModule } from './core/core.module';

/** The monolith: the kernel plus one module per business capability. */
@Module({})
export class AppModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [CoreModule.register(config)],
    };
  }
}
