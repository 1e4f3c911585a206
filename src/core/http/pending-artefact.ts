import type { FastifyReply, FastifyRequest } from 'fastify';
import { ArtefactNotReadyError } from '../errors/domain-error';

/** What a client reads while it waits: the same facts as the headers. */
export interface PendingArtefact {
  status: 'pending';
  code: string;
  detail: string;
  /** Seconds, as in `Retry-After`. */
  retryAfter: number;
  /** The URL to poll, as in `Location`. */
  location: string;
}

/**
 * A download of something a job writes (RFC 9110 §15.3.3): `200` with the file once it is
 * there; until then `202 Accepted` with `Retry-After` (seconds) and `Location` (this same URL,
 * to poll). Any other refusal goes on to the problem filter unchanged.
 */
export async function whenReady<T>(
  request: FastifyRequest,
  reply: FastifyReply,
  open: () => Promise<T>,
): Promise<T | PendingArtefact> {
  try {
    return await open();
  } catch (error) {
    if (!(error instanceof ArtefactNotReadyError)) throw error;
    const location = request.url;
    void reply
      .status(202)
      .header('retry-after', String(error.retryAfterSeconds))
      .header('location', location)
      .header('cache-control', 'no-store');
    return {
      status: 'pending',
      code: error.code,
      detail: error.message,
      retryAfter: error.retryAfterSeconds,
      location,
    };
  }
}
