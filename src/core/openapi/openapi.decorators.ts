import { applyDecorators } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtension,
  ApiProduces,
  ApiResponse,
  type ReferenceObject,
  type SchemaObject,
} from '@nestjs/swagger';

/** Route extensions the document step (api-document.ts) reads, then removes. */
export const X_FILE = 'x-gc-file';

/**
 * The route answers a file, not JSON: its media types (one per format it can give) with a binary
 * body, and Content-Disposition. `pending`: while the file is still being made, the route answers
 * 202 with Retry-After and a Location to poll (the notice PDF, the payment file).
 */
export function FileResponse(
  mediaTypes: string[],
  description: string,
  options: { pending?: boolean } = {},
): MethodDecorator {
  const binary = { schema: { type: 'string' as const, format: 'binary' } };
  return applyDecorators(
    ApiProduces(...mediaTypes),
    ApiExtension(X_FILE, true),
    ApiResponse({
      status: 200,
      description,
      content: Object.fromEntries(mediaTypes.map((type) => [type, binary])),
      headers: {
        'Content-Disposition': {
          description: 'attachment, with the file name',
          schema: { type: 'string' },
        },
      },
    }),
    ...(options.pending
      ? [
          ApiResponse({
            status: 202,
            description:
              'The file is being made: poll Location after Retry-After seconds; 200 once ready.',
            headers: {
              'Retry-After': {
                description: 'Seconds to wait before asking again',
                schema: { type: 'integer', minimum: 1 },
              },
              Location: { description: 'Where to ask again', schema: { type: 'string' } },
            },
            // src/core/http/pending-artefact.ts: the same facts as the headers.
            content: {
              'application/json': { schema: { $ref: '#/components/schemas/PendingArtefact' } },
            },
          }),
        ]
      : []),
  );
}

/**
 * An upload: the body is `multipart/form-data` with one binary part named `file` (streamed,
 * never buffered whole; the size and type limits are the agency's).
 */
export function MultipartFileBody(
  description: string,
  fields: Record<string, SchemaObject | ReferenceObject> = {},
): MethodDecorator {
  return applyDecorators(
    ApiConsumes('multipart/form-data'),
    ApiBody({
      description,
      required: true,
      schema: {
        type: 'object',
        required: ['file'],
        // Fields first: the server reads them before the file part.
        properties: { ...fields, file: { type: 'string', format: 'binary', description } },
      },
    }),
  );
}
