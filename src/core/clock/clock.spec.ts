import { AppConfig } from '../config/env';
import { Clock } from './clock';

const clockFor = (config: Partial<AppConfig>) => new Clock(config as AppConfig);

describe('the server clock', () => {
  it('moves in tests and in the demo seeder only', () => {
    const at = new Date('2026-08-01T12:00:00Z');
    for (const config of [
      { nodeEnv: 'test' as const },
      { nodeEnv: 'development' as const, demoTimeTravel: true },
    ]) {
      const clock = clockFor(config);
      clock.setNow(at);
      expect(clock.now()).toEqual(at);
      clock.reset();
      expect(clock.now().getTime()).toBeGreaterThan(at.getTime());
    }
    for (const config of [
      { nodeEnv: 'development' as const },
      { nodeEnv: 'production' as const },
      { nodeEnv: 'production' as const, demoTimeTravel: false },
    ]) {
      expect(() => clockFor(config).setNow(at)).toThrow('The clock can only be set in tests');
    }
  });
});
