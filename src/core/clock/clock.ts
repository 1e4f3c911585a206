import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';

/**
 * The server's clock. Deadlines ("the window is open by the server's clock") read time only
 * through this, so tests can stand at one second past a deadline without faking timers globally.
 * Moving the clock is allowed only when NODE_ENV=test, and in `npm run seed:demo`'s own process
 * (demoTimeTravel, set in code, never from the environment), which tells the demo's past.
 */
@Injectable()
export class Clock {
  private fixed?: number;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  now(): Date {
    return new Date(this.fixed ?? Date.now());
  }

  /** Tests and the demo seeder only: stand still at this instant until reset(). */
  setNow(instant: Date | string): void {
    if (this.config.nodeEnv !== 'test' && this.config.demoTimeTravel !== true)
      throw new Error('The clock can only be set in tests');
    this.fixed = new Date(instant).getTime();
  }

  reset(): void {
    this.fixed = undefined;
  }
}
