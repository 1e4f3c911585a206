import { QueryFailedError } from 'typeorm';
import { redactedError, safeErrorMessage } from './log-redaction';

/** A pg error as the driver raises it (fields copied by TypeORM onto QueryFailedError). */
function pgError(code: string, message: string, detail?: string): Error {
  return Object.assign(new Error(message), { code, severity: 'ERROR', detail, table: 'users' });
}

describe('log redaction', () => {
  it('drops bound parameters and detail, keeps the SQLSTATE, table and query text', () => {
    const driver = pgError(
      '23505',
      'duplicate key value violates unique constraint "UQ_users_email"',
      'Key (email)=(secret@example.org) already exists.',
    );
    const error = new QueryFailedError(
      'INSERT INTO users (email) VALUES ($1)',
      ['secret@example.org'],
      driver,
    );
    const logged = JSON.stringify(redactedError(error));
    expect(logged).not.toContain('secret@example.org');
    expect(logged).toContain('23505');
    expect(logged).toContain('UQ_users_email');
    expect(logged).toContain('INSERT INTO users (email) VALUES ($1)');
  });

  it('withholds messages that quote values (data exceptions, RAISE), also inside a cause', () => {
    const driver = pgError('22P02', 'invalid input syntax for type uuid: "secret-value"');
    expect(safeErrorMessage(driver)).not.toContain('secret-value');
    const wrapped = new Error('export failed', {
      cause: new QueryFailedError('SELECT $1::uuid', ['secret-value'], driver),
    });
    const logged = JSON.stringify(redactedError(wrapped));
    expect(logged).not.toContain('secret-value');
    expect(logged).toContain('export failed');
    expect(logged).toContain('22P02');
  });

  it('leaves other errors and values alone', () => {
    expect(safeErrorMessage(new Error('plain'))).toBe('plain');
    expect(redactedError('text')).toBe('text');
  });
});
