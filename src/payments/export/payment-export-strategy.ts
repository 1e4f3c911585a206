/**
 * The payment export contract, owned by payments: one batch of approved payments handed to the
 * state accounting system, and the file format an agency chooses by name in
 * `finance.paymentExportFormat` (registered with the agency strategies as `paymentExport`).
 */

/** One batch, as a format renders it. Amounts are decimal strings ("1250.00"). */
export interface PaymentExportBatch {
  agencyCode: string;
  batchId: string;
  /** The date the payments settle, YYYY-MM-DD in the agency's time zone. */
  effectiveDate: string;
  payments: Array<{
    paymentRequestId: string;
    payeeName: string;
    amount: string;
    /** Present for electronic formats (ACH); decrypted only while the file is written. */
    routingNumber?: string;
    accountNumber?: string;
    accountType?: 'checking' | 'savings';
  }>;
}

/**
 * A payment file format. `options` is what the agency's file gives this format (its declared
 * options field, validated at boot by the format's own schema), or undefined when it has none.
 */
export interface PaymentExportStrategy {
  readonly mediaType: string;
  readonly fileExtension: string;
  render(batch: PaymentExportBatch, options: unknown): Buffer;
}
