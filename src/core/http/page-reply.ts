import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';

/** A stored file a page hands to the browser (a download link on a page). */
export interface PageFile {
  stream: Readable;
  contentType: string;
  length: number;
  /** A complete Content-Disposition value (an attachment, its name encoded). */
  disposition: string;
}

/**
 * What a web page handler returns: HTML with its status, or a redirect (POST-redirect-GET).
 * The request pipeline sends it after the request transaction has committed, so a page never
 * says "saved" for work that then rolled back. Page handlers take `@Res()` so that Nest itself
 * sends nothing (Nest would also force 201 on every POST).
 */
export class PageReply {
  private constructor(
    readonly status: number,
    readonly body: string,
    readonly location?: string,
    readonly file?: PageFile,
  ) {}

  /** A download: sent like a page, after the transaction, never cached. */
  static download(file: PageFile): PageReply {
    return new PageReply(200, '', undefined, file);
  }

  static html(body: string, status = 200): PageReply {
    return new PageReply(status, body);
  }

  /** 303 See Other: the browser follows with a GET, so a refresh never sends the form again. */
  static redirect(location: string): PageReply {
    return new PageReply(303, '', location);
  }

  sendTo(reply: FastifyReply): void {
    if (this.file) {
      void reply
        .code(200)
        .header('cache-control', 'no-store')
        .header('content-disposition', this.file.disposition)
        .header('x-content-type-options', 'nosniff')
        .header('content-length', String(this.file.length))
        .type(this.file.contentType)
        .send(this.file.stream);
      return;
    }
    if (this.location !== undefined) void reply.header('location', this.location);
    void reply
      .code(this.status)
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(this.body);
  }
}
