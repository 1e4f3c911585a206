import { Injectable, OnApplicationBootstrap } from '@nestjs/common';

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
 * construction; boot fails without one, since every money check would otherwise pass.
 */
@Injectable()
export class AwardCommitments implements OnApplicationBootstrap {
  private reader?: CommitmentsReader;

  register(reader: CommitmentsReader): void {
    if (this.reader) throw new Error('award commitments are registered twice');
    this.reader = reader;
  }

  onApplicationBootstrap(): void {
    this.required();
  }

  async committed(awardId: string): Promise<bigint> {
    return this.required().committed(awardId);
  }

  async lineUsage(awardId: string): Promise<Map<string, bigint>> {
    return this.required().lineUsage(awardId);
  }

  private required(): CommitmentsReader {
    if (!this.reader) {
      throw new Error('award commitments have no reader: the payments module must register one');
    }
    return this.reader;
  }
}
