/**
 * What scripts/openapi/response-types.ts reads from the code (`npm run openapi`), for the
 * document to be completed at boot: the types controllers return and the coded errors.
 */
export interface ApiTypes {
  /** operationId → the JSON schema of its success body (absent: no JSON body). */
  responses: Record<string, unknown>;
  /** The named view types the responses refer to (`#/components/schemas/...`). */
  schemas: Record<string, unknown>;
  /** operationId → what its controller's source says about it. */
  operations: Record<string, OperationFacts>;
  /** Every coded DomainError: its code, HTTP status and the module (src/ folder) defining it. */
  errorCodes: ErrorCode[];
}

export interface OperationFacts {
  /** The module (src/ folder) of its controller, whose error codes it may answer. */
  module: string;
  /** Takes If-Match (an optimistic-concurrency write: 428 without it, 412 when stale). */
  ifMatch?: true;
  /** Answers with an ETag (the version an If-Match sends back). */
  etag?: true;
  /** The handler's doc comment: the operation's description. */
  description?: string;
}

export interface ErrorCode {
  code: string;
  status: number;
  module: string;
}
