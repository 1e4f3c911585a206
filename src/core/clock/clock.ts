import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.module';
import { AppConfig } from '../config/env';

/**
 * The server's clock. Deadlines ("the window is open by the server's clock") read time only
 * through this, so tests can stand at one second past a deadline without faking timers globally.
 * Moving the clock is allowed only when NODE_ENV=test.
 */
@Injectable()
export class Clock {
  private fixed?: number;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  now(): Date {
    return new Date(this.fixed ?? Date.now());
  }

  /** Test only: stand still at this instant until reset(). */
  setNow(instant: Date | string): void {
    if (this.config.nodeEnv !== 'test') throw new Error('The clock can only be set in tests');
    this.fixed = new Date(instant).getTime();
  }

  reset(): void {
    this.fixed = undefined;
  }
}
