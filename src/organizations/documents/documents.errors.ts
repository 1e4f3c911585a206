import { DomainError, FieldProblem, NotFoundError } from '../../core/errors/domain-error';

export class DocumentNotFoundError extends NotFoundError {
  constructor() {
    super('document', 'organization.document_not_found');
  }
}

export class DocumentInvalidError extends DomainError {
  constructor(errors: FieldProblem[]) {
    super('organization.document_invalid', 422, 'The document is not valid.', { errors });
  }
}

export class DocumentFileMissingError extends DomainError {
  constructor() {
    super(
      'organization.document_file_missing',
      400,
      'Send the file as multipart/form-data in a field named "file", after the other fields.',
    );
  }
}

export class DocumentRefusedError extends DomainError {
  constructor(reason: string, detail: string) {
    super('organization.document_refused', 415, `The file was refused: ${detail}.`, { reason });
  }
}

export class DocumentTooLargeError extends DomainError {
  constructor(maxBytes: number) {
    super('organization.document_too_large', 413, `The file is larger than ${maxBytes} bytes.`, {
      maxBytes,
    });
  }
}
