import { ValidationError } from 'class-validator';
import { toFieldProblems } from './validation';

function error(
  property: string,
  constraints?: Record<string, string>,
  children: ValidationError[] = [],
) {
  return Object.assign(new ValidationError(), { property, constraints, children });
}

describe('toFieldProblems', () => {
  it('points at nested and array fields with JSON Pointers', () => {
    const problems = toFieldProblems([
      error('email', { isEmail: 'email must be an email' }),
      error('lines', undefined, [
        error('0', undefined, [error('amount', { isDecimal: 'amount must be a decimal string' })]),
      ]),
    ]);
    expect(problems).toEqual([
      { pointer: '/email', detail: 'email must be an email' },
      { pointer: '/lines/0/amount', detail: 'amount must be a decimal string' },
    ]);
  });

  it('escapes ~ and / in property names (RFC 6901)', () => {
    expect(toFieldProblems([error('a/b~c', { x: 'bad' })])).toEqual([
      { pointer: '/a~1b~0c', detail: 'bad' },
    ]);
  });
});
