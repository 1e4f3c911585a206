import { ConfigError } from '../config/env';
import { describeStartupFailure, StartupError } from './startup-error';

describe('describeStartupFailure', () => {
  it('prints a start-up error or a config error as it is, without a stack', () => {
    expect(describeStartupFailure(new StartupError('port 1 (PORT) is in use'))).toEqual({
      text: 'port 1 (PORT) is in use',
      known: true,
    });
    const config = describeStartupFailure(new ConfigError(['PORT: must be an integer']));
    expect(config.known).toBe(true);
    expect(config.text).toContain('PORT: must be an integer');
  });

  it('names the variables to check when a connection is refused, also inside an AggregateError', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 5999,
    });
    const { text, known } = describeStartupFailure(new AggregateError([refused], ''));
    expect(known).toBe(true);
    expect(text).toContain('127.0.0.1:5999');
    expect(text).toContain('DATABASE_URL');
  });

  it('turns a database refusal into what to fix', () => {
    const error = Object.assign(new Error('password authentication failed for user "x"'), {
      code: '28P01',
    });
    expect(describeStartupFailure(error).text).toMatch(/^the database refused the password/);
  });

  it('never prints a bare "undefined"', () => {
    const { text, known } = describeStartupFailure(undefined);
    expect(known).toBe(false);
    expect(text).not.toMatch(/^undefined$/);
    expect(text).toContain('LOG_LEVEL=debug');
  });
});
