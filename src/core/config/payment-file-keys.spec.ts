import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from './env';

const dataDir = () => mkdtempSync(join(tmpdir(), 'gc-env-'));

describe('loadConfig: the payment file key', () => {
  it('is a key of its own: generated in development, required in production', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(Buffer.from(first.paymentFileKeys.current, 'base64')).toHaveLength(32);
    expect(first.paymentFileKeys.current).not.toBe(first.payeeEncryptionKey);
    expect(loadConfig({ DATA_DIR: dir }).paymentFileKeys.current).toBe(
      first.paymentFileKeys.current,
    );
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).toThrow(
      /PAYMENT_FILE_ENCRYPTION_KEY: is required/,
    );
  });

  it('refuses the payee key and keys that are not 32 bytes, previous ones included', () => {
    const same = Buffer.alloc(32, 3).toString('base64');
    expect(() =>
      loadConfig({
        DATA_DIR: dataDir(),
        PAYEE_ENCRYPTION_KEY: same,
        PAYMENT_FILE_ENCRYPTION_KEY: same,
      }),
    ).toThrow(/PAYMENT_FILE_ENCRYPTION_KEY: must differ from PAYEE_ENCRYPTION_KEY/);
    expect(() =>
      loadConfig({ DATA_DIR: dataDir(), PAYMENT_FILE_ENCRYPTION_KEY: 'c2hvcnQ=' }),
    ).toThrow(/PAYMENT_FILE_ENCRYPTION_KEY: must be 32 bytes/);
    expect(() =>
      loadConfig({ DATA_DIR: dataDir(), PAYMENT_FILE_ENCRYPTION_PREVIOUS_KEYS: 'c2hvcnQ=' }),
    ).toThrow(/PAYMENT_FILE_ENCRYPTION_PREVIOUS_KEYS: must be 32 bytes/);
    const previous = Buffer.alloc(32, 4).toString('base64');
    expect(
      loadConfig({ DATA_DIR: dataDir(), PAYMENT_FILE_ENCRYPTION_PREVIOUS_KEYS: ` ${previous} ,` })
        .paymentFileKeys.previous,
    ).toEqual([previous]);
  });
});
