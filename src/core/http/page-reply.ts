import type { FastifyReply } from 'fastify';
import type { Readable } from 'node:stream';

/** A file a page hands the browser (an award notice PDF): streamed after the transaction. */
export interface PageFile {
  stream: Readable;
  contentType: string;
  bytes: number;
  filename: string;
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

  static html(body: string, status = 200): PageReply {
    return new PageReply(status, body);
  }

  /** 303 See Other: the browser follows with a GET, so a refresh never sends the form again. */
  static redirect(location: string): PageReply {
    return new PageReply(303, '', location);
  }

  /** A download (attachment), e.g. the award notice the page links. */
  static file(file: PageFile): PageReply {
    return new PageReply(200, '', undefined, file);
  }

  sendTo(reply: FastifyReply): void {
    if (this.file) {
      const name = this.file.filename.replace(/[^A-Za-z0-9._-]/g, '_');
      void reply
        .code(200)
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('content-length', String(this.file.bytes))
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
