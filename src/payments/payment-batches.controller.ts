import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Req,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { RequirePermission, RequireRecentSecondFactor } from '../core/access/access.decorators';
import { whenReady } from '../core/http/pending-artefact';
import { Idempotent } from '../core/idempotency/idempotent-responses';
import { PaymentBatches } from './batches/payment-batches.service';
import { PaymentReconciliation } from './batches/payment-reconciliation.service';
import { ConfirmationDto, MarkPaidDto } from './dto/payment.dto';
import { ConfirmationInvalidError } from './payments.errors';
import { FileResponse } from '../core/openapi/openapi.decorators';

const MAX_CONFIRMATION_BYTES = 5 * 1024 * 1024;

/** Finance officers: batches on the cut-off schedule, their files, reconciliation. */
@ApiTags('payments')
@Controller('agencies/:agencyCode/payment-batches')
export class PaymentBatchesController {
  constructor(
    private readonly batches: PaymentBatches,
    private readonly reconciliation: PaymentReconciliation,
  ) {}

  /** Gathers the approved requests of the last closed window. Requires an Idempotency-Key. */
  @Post()
  @RequirePermission('payment.batch')
  @RequireRecentSecondFactor()
  @Idempotent()
  create() {
    return this.batches.create();
  }

  @Get()
  @RequirePermission('payment.batch')
  list() {
    return this.batches.list();
  }

  @Get(':batchId')
  @RequirePermission('payment.batch')
  get(@Param('batchId') batchId: string) {
    return this.batches.get(batchId);
  }

  /** The plaintext file, decrypted for this download only; every download is audited. */
  @Get(':batchId/file')
  @RequirePermission('payment.batch')
  @Header('cache-control', 'no-store') // account numbers: no copy in any cache on the way
  @FileResponse(
    ['text/csv', 'text/plain'],
    "The batch's payment file in the agency's export format (CSV, or NACHA ACH as text)",
    { pending: true },
  )
  async file(
    @Param('batchId') batchId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // 202 with Retry-After and Location while the file job has not written it.
    return whenReady(request, reply, async () => {
      const file = await this.batches.file(batchId);
      return new StreamableFile(file.content, {
        type: file.mediaType,
        length: file.content.length,
        disposition: `attachment; filename="${file.name}"`,
      });
    });
  }

  @Post(':batchId/mark-paid')
  @HttpCode(200)
  @RequirePermission('payment.batch')
  @Idempotent()
  markPaid(@Param('batchId') batchId: string, @Body() dto: MarkPaidDto) {
    return this.reconciliation.markPaid(batchId, dto);
  }

  /** The bank's confirmation CSV: multipart upload (one file) or JSON `{ "csv": "..." }`. */
  @Post(':batchId/confirmation')
  @HttpCode(200)
  @RequirePermission('payment.batch')
  @Idempotent()
  async confirm(@Param('batchId') batchId: string, @Req() request: FastifyRequest) {
    return this.reconciliation.confirm(batchId, await confirmationText(request));
  }
}

async function confirmationText(request: FastifyRequest): Promise<string> {
  if (!request.isMultipart()) {
    const body = request.body as Partial<ConfirmationDto> | undefined;
    if (typeof body?.csv !== 'string') {
      throw new ConfirmationInvalidError([
        { line: 0, detail: 'send the CSV as a file or as {"csv": "..."}' },
      ]);
    }
    return body.csv;
  }
  try {
    const part = await request.file({ limits: { fileSize: MAX_CONFIRMATION_BYTES, files: 1 } });
    if (!part) throw new ConfirmationInvalidError([{ line: 0, detail: 'no file was uploaded' }]);
    const chunks: Buffer[] = [];
    for await (const chunk of part.file) chunks.push(chunk as Buffer);
    if (part.file.truncated) {
      throw new ConfirmationInvalidError([{ line: 0, detail: 'the file is too large' }]);
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    if (error instanceof ConfirmationInvalidError) throw error;
    // A broken multipart body is the client's problem, not a server error.
    throw new ConfirmationInvalidError([
      { line: 0, detail: 'the upload is not valid multipart data' },
    ]);
  }
}
