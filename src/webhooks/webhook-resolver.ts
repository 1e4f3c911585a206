import { Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/**
 * The DNS lookups of webhook URLs: every address a name has (all are checked, not the first).
 * A provider of its own so tests can play a name that resolves to 127.0.0.1 without a network.
 */
@Injectable()
export class WebhookResolver {
  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    return lookup(hostname, { all: true, verbatim: true });
  }
}
