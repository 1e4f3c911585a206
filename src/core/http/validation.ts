import { ArgumentMetadata, ParseUUIDPipe, PipeTransform, ValidationPipe } from '@nestjs/common';
import type { ValidationError } from 'class-validator';
import { FieldProblem, ValidationFailedError } from '../errors/domain-error';

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Flattens class-validator's tree into JSON Pointers into the request body. */
export function toFieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const pointer = `${parent}/${escapePointer(String(error.property))}`;
    const own = Object.values(error.constraints ?? {}).map((detail) => ({ pointer, detail }));
    return [...own, ...toFieldProblems(error.children ?? [], pointer)];
  });
}

/** Whitelist, reject unknown properties, transform to DTO classes; failures are coded problems. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => new ValidationFailedError(toFieldProblems(errors)),
  });
}

/**
 * A pipe's refusal, carried to the handler's wrapper in place of the argument. Nest runs pipes
 * before the handler, but this API has always answered the access decision first (an outsider
 * gets the agency's 404 whatever the body, the same as for an unknown agency), then the input's
 * problems: the request pipeline throws the refusal where the pipes used to run, just before the
 * handler, which never sees it.
 */
export class RefusedInput {
  constructor(readonly error: Error) {}
}

/** `inner`, with its refusal deferred to the request pipeline (see RefusedInput). */
export class DeferredRefusal implements PipeTransform {
  constructor(private readonly inner: PipeTransform) {}

  async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (value instanceof RefusedInput) return value;
    try {
      return (await this.inner.transform(value, metadata)) as unknown;
    } catch (error) {
      if (!(error instanceof Error)) throw error;
      return new RefusedInput(error);
    }
  }
}

/** The first refused argument's error, if any (the pipeline throws it before the handler). */
export function refusalIn(args: unknown[]): Error | undefined {
  for (const arg of args) if (arg instanceof RefusedInput) return arg.error;
  return undefined;
}

/** A path parameter that must be a UUID, refused as every other input (deferred). */
export const UuidParam = new DeferredRefusal(new ParseUUIDPipe());
