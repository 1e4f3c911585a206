import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { FieldProblem } from '../../core/errors/domain-error';
import { PageReply } from '../../core/http/page-reply';
import { contentDisposition } from '../../applications/attachments/content-sniffer';
import { roleGrants } from '../../identity/permissions';
import { OrganizationDirectory } from '../../organizations/organization-directory';
import { readDocumentUpload } from '../../organizations/documents/document-uploads';
import {
  DocumentFileMissingError,
  DocumentInvalidError,
  DocumentRefusedError,
  DocumentTooLargeError,
} from '../../organizations/documents/documents.errors';
import {
  discard,
  DocumentFields,
  OrganizationDocuments,
} from '../../organizations/documents/organization-documents.service';
import { PageContexts } from '../page-contexts';
import { CsrfField, FieldError } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { DocumentFormPage, DocumentFormView, LibraryPage } from './document-views';

const MB = 1024 * 1024;
const DONE = ['uploaded', 'replaced', 'removed'] as const;

/**
 * The organization's document library: the list with expiry status, upload, replace and remove.
 * Same permissions as the API (members read; admins and authorized representatives keep it).
 * Uploads are multipart: the CSRF token travels in the form's action.
 */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/documents')
export class DocumentPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly context: RequestContext,
    private readonly organizations: OrganizationDirectory,
    private readonly documents: OrganizationDocuments,
  ) {}

  private base(agencyCode: string, organizationId: string) {
    return `/${agencyCode}/organizations/${organizationId}/documents`;
  }

  /** Whether the reader may change the library (to show or hide the buttons, not to decide). */
  private canManage(organizationId: string): boolean {
    const access = this.context.access;
    const roles = [
      ...(access?.agencyRoles ?? []),
      ...(access?.organizationRoles[organizationId.toLowerCase()] ?? []),
    ];
    return roles.some((role) => roleGrants(role, 'organization.documents.manage'));
  }

  @Get()
  @RequirePermission('organization.documents.read')
  async list(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const organization = await this.organizations.get(organizationId);
    const documents = await this.documents.list(organizationId);
    const what = DONE.find((d) => d === query.done);
    const named = documents.find((d) => d.id === query.document);
    const done =
      what && (what === 'removed' || named) ? { what, title: named?.title ?? '' } : undefined;
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('documents.pageTitle', { organization: organization.legalName }),
        children: (
          <LibraryPage
            ctx={ctx}
            view={{
              base: this.base(agencyCode, organizationId),
              organizationName: organization.legalName,
              documents,
              canManage: this.canManage(organizationId),
              done,
            }}
          />
        ),
      }),
    );
  }

  /** The stored file, for the link in the list (members read it like the API's download). */
  @Get(':documentId/file')
  @RequirePermission('organization.documents.read')
  async file(
    @Param('organizationId') organizationId: string,
    @Param('documentId') documentId: string,
    @Res() _reply: FastifyReply,
  ): Promise<PageReply> {
    const { document, stream } = await this.documents.open(organizationId, documentId);
    return PageReply.download({
      stream,
      contentType: document.contentType,
      length: Number(document.sizeBytes),
      disposition: contentDisposition(document.filename),
    });
  }

  @Get('new')
  @RequirePermission('organization.documents.manage')
  async uploadForm(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    return this.form(ctx, agencyCode, organizationId, undefined, {});
  }

  @Post('new')
  @RequirePermission('organization.documents.manage')
  async upload(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    await this.organizations.get(organizationId);
    const { fields, errors, file } = await this.read(ctx, request, true);
    if (errors.length > 0 || !file)
      return this.form(ctx, agencyCode, organizationId, undefined, fields, errors);
    try {
      const document = await this.documents.upload(organizationId, fields, file);
      return PageReply.redirect(
        `${this.base(agencyCode, organizationId)}?done=uploaded&document=${document.id}`,
      );
    } catch (error) {
      const shown = this.fileErrors(ctx, error);
      return this.form(ctx, agencyCode, organizationId, undefined, fields, shown);
    }
  }

  @Get(':documentId/replace')
  @RequirePermission('organization.documents.manage')
  async replaceForm(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('documentId') documentId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const current = await this.documents.get(organizationId, documentId);
    return this.form(ctx, agencyCode, organizationId, documentId, {
      kind: current.kind,
      title: current.title,
      expiresOn: current.expiresOn ?? '',
    });
  }

  @Post(':documentId/replace')
  @RequirePermission('organization.documents.manage')
  async replace(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('documentId') documentId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    await this.documents.get(organizationId, documentId);
    const { fields, errors, file } = await this.read(ctx, request, true);
    if (errors.length > 0 || !file)
      return this.form(ctx, agencyCode, organizationId, documentId, fields, errors);
    try {
      await this.documents.replace(organizationId, documentId, fields, file);
      return PageReply.redirect(
        `${this.base(agencyCode, organizationId)}?done=replaced&document=${documentId}`,
      );
    } catch (error) {
      const shown = this.fileErrors(ctx, error);
      return this.form(ctx, agencyCode, organizationId, documentId, fields, shown);
    }
  }

  @Get(':documentId/remove')
  @RequirePermission('organization.documents.manage')
  async removeForm(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('documentId') documentId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const organization = await this.organizations.get(organizationId);
    const document = await this.documents.get(organizationId, documentId);
    const base = this.base(agencyCode, organizationId);
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('documents.removeConfirm.pageTitle', { organization: organization.legalName }),
        children: (
          <div class="usa-prose">
            <h1>{ctx.t('documents.removeConfirm.title', { title: document.title })}</h1>
            <p>{ctx.t('documents.removeConfirm.text')}</p>
            <form method="post" action={`${base}/${document.id}/remove`}>
              <CsrfField ctx={ctx} />
              <button class="usa-button usa-button--secondary" type="submit">
                {ctx.t('documents.removeConfirm.submit')}
              </button>
              <a class="usa-button usa-button--unstyled margin-left-2" href={base}>
                {ctx.t('documents.form.cancel')}
              </a>
            </form>
          </div>
        ),
      }),
    );
  }

  @Post(':documentId/remove')
  @RequirePermission('organization.documents.manage')
  async remove(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('documentId') documentId: string,
    @Body() _form: Record<string, string>,
    @Res() _reply: FastifyReply,
  ): Promise<PageReply> {
    await this.documents.remove(organizationId, documentId);
    return PageReply.redirect(`${this.base(agencyCode, organizationId)}?done=removed`);
  }

  /** The multipart form: its fields, what is wrong with them, and the file when one was chosen. */
  private async read(ctx: PageContext, request: FastifyRequest, requireAll: boolean) {
    let fields: DocumentFields = {};
    let file;
    try {
      ({ fields, file } = await readDocumentUpload(request, this.documents.maxBytes()));
    } catch (error) {
      if (!(error instanceof DocumentFileMissingError)) throw error;
    }
    const errors = this.fieldErrors(ctx, this.documents.problemsIn(fields, requireAll));
    // A browser sends an empty part (no name) when no file was chosen.
    if (file && !file.filename) {
      await discard(file.content);
      file = undefined;
    }
    if (!file) errors.push({ field: 'file', message: ctx.t('documents.errors.fileMissing') });
    else if (errors.length > 0) await discard(file.content);
    return { fields, errors, file: errors.length > 0 ? undefined : file };
  }

  private fieldErrors(ctx: PageContext, problems: FieldProblem[]): FieldError[] {
    const messages = {
      '/kind': ['kind', ctx.t('documents.errors.kind')],
      '/title': ['title', ctx.t('documents.errors.title')],
      '/expiresOn': ['expiresOn', ctx.t('documents.errors.expiresOn')],
    } as const;
    return problems.flatMap((p) => {
      const known = messages[p.pointer as keyof typeof messages];
      return known ? [{ field: known[0], message: known[1] }] : [];
    });
  }

  /** Refusals a person can fix become field errors; anything else is an error page. */
  private fileErrors(ctx: PageContext, error: unknown): FieldError[] {
    const size = Math.floor(this.documents.maxBytes() / MB);
    if (error instanceof DocumentRefusedError)
      return [{ field: 'file', message: ctx.t('documents.errors.fileRefused') }];
    if (error instanceof DocumentTooLargeError)
      return [{ field: 'file', message: ctx.t('documents.errors.fileTooLarge', { size }) }];
    if (error instanceof DocumentInvalidError)
      return this.fieldErrors(ctx, (error.extensions.errors as FieldProblem[]) ?? []);
    throw error;
  }

  private async form(
    ctx: PageContext,
    agencyCode: string,
    organizationId: string,
    documentId: string | undefined,
    values: DocumentFields,
    errors?: FieldError[],
  ): Promise<PageReply> {
    const organization = await this.organizations.get(organizationId);
    const current = documentId ? await this.documents.get(organizationId, documentId) : undefined;
    const view: DocumentFormView = {
      base: this.base(agencyCode, organizationId),
      organizationName: organization.legalName,
      maxMegabytes: Math.floor(this.documents.maxBytes() / MB),
      current,
      values,
      errors: errors && errors.length > 0 ? errors : undefined,
    };
    const title = current
      ? ctx.t('documents.form.replacePageTitle', { organization: organization.legalName })
      : ctx.t('documents.form.uploadPageTitle', { organization: organization.legalName });
    return PageReply.html(
      page({
        ctx,
        title,
        hasErrors: !!view.errors,
        children: <DocumentFormPage ctx={ctx} view={view} />,
      }),
      view.errors ? 422 : 200,
    );
  }
}
