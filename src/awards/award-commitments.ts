import { Injectable } from '@nestjs/common';

/** What the payments module knows about an award that awards must respect. Cents. */
export interface CommitmentsReader {
  /** Cash unpaid payment requests will still take. */
  committed(awardId: string): Promise<bigint>;
  /** Per budget line ("1000/100"), what live requests (unpaid or paid) charge to it. */
  lineUsage(awardId: string): Promise<Map<string, bigint>>;
}

/**
 * A port the payments module fills: awards needs to know what is requested or paid (an
 * amendment may not cut the award below it, a budget revision may not cut a line below it),
 * while payments depends on awards, not the reverse. Payments registers its reader at
 * construction.
 */
@Injectable()
export class AwardCommitments {
  private reader?: CommitmentsReader;

  register(reader: CommitmentsReader): void {
    if (this.reader) throw new Error('award commitments are registered twice');
    this.reader = reader;
  }

  async committed(awardId: string): Promise<bigint> {
    return this.reader ? this.reader.committed(awardId) : 0n;
  }

  async lineUsage(awardId: string): Promise<Map<string, bigint>> {
    return this.reader ? this.reader.lineUsage(awardId) : new Map();
  }
}
