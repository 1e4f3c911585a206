import { DomainError } from './domain-error';
import { toProblem } from './problem.filter';

describe('toProblem', () => {
  it('maps a domain error to RFC 9457 members plus its extensions', () => {
    const problem = toProblem(
      new DomainError('application.window_closed', 409, 'Closed.', { closesAt: 'x' }),
      'r1',
      '/p',
    );
    expect(problem).toEqual({
      type: 'urn:grant-commons:problem:application.window_closed',
      title: 'Conflict',
      status: 409,
      detail: 'Closed.',
      code: 'application.window_closed',
      closesAt: 'x',
      requestId: 'r1',
      instance: '/p',
    });
  });

  it('never lets an extension overwrite status, code or type', () => {
    const problem = toProblem(
      new DomainError('x.y', 409, 'm', { status: 'draft', code: 'z', type: 't' }),
    );
    expect(problem).toMatchObject({
      status: 409,
      code: 'x.y',
      type: 'urn:grant-commons:problem:x.y',
    });
  });

  it('hides the message of unexpected errors', () => {
    const problem = toProblem(new Error('password=hunter2 at db.js:12'));
    expect(problem).toMatchObject({ status: 500, code: 'internal.error' });
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });
});

describe('toProblem for refusals of the framework and the HTTP parser', () => {
  it.each([
    [414, 'request.uri_too_long', 'URI Too Long'],
    [431, 'request.headers_too_large', 'Request Header Fields Too Large'],
    [408, 'request.timeout', 'Request Timeout'],
  ])('gives %i its own code and a detail that does not echo the input', (status, code, title) => {
    const problem = toProblem(
      { statusCode: status, message: `'/${'a'.repeat(500)}' is long` },
      'r',
    );
    expect(problem).toMatchObject({ status, code, title, requestId: 'r' });
    expect(problem.detail).not.toContain('aaaa');
  });
});
