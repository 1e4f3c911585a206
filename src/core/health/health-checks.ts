import { Injectable } from '@nestjs/common';

export type HealthCheck = () => Promise<void>;

/** Readiness checks contributed by modules (the database here; Redis by the jobs module). */
@Injectable()
export class HealthChecks {
  private readonly checks = new Map<string, HealthCheck>();
  /** Set at SIGTERM: readiness answers 503 so the load balancer sends no new requests here. */
  draining = false;

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2000): Promise<Record<string, 'up' | 'down'>> {
    const entries = [...this.checks.entries()];
    const results = await Promise.all(
      entries.map(async ([name, check]) => {
        let timer: NodeJS.Timeout | undefined;
        const timeout = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error('timeout')), timeoutMs);
        });
        try {
          await Promise.race([check(), timeout]);
          return [name, 'up'] as const;
        } catch {
          return [name, 'down'] as const;
        } finally {
          clearTimeout(timer);
        }
      }),
    );
    return Object.fromEntries(results);
  }
}
