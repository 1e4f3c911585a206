import { Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type {} from '@fastify/multipart';
import { AgencyDirectory } from '../../agencies/agency-directory';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { RequestContext } from '../../core/context/request-context';
import { PageReply } from '../../core/http/page-reply';
import {
  ApplicationInvalidError,
  AttachmentMissingError,
  AttachmentRefusedError,
  AttachmentTooLargeError,
} from '../../applications/applications.errors';
import { ApplicationAttachments } from '../../applications/attachments/application-attachments.service';
import { PageContexts } from '../page-contexts';
import { Alert, CsrfField, ErrorSummary, FieldError, StatusTag } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { ApplicationHeading, LastSaved, pageTitle } from './application-chrome';
import { Draft, DraftPages } from './draft-pages';

/** Shown to people: "application/pdf" -> "PDF". */
const typeName = (mime: string) =>
  (mime.split('/')[1] ?? mime).replace(/^vnd\..*$/, mime).toUpperCase();
/** Sizes as people read them; whole megabytes above one (a display, never arithmetic on money). */
const sizeText = (bytes: number) =>
  bytes >= 1048576
    ? `${Math.round(bytes / 1048576)} MB`
    : `${Math.max(1, Math.round(bytes / 1024))} KB`;

interface AttachmentsView {
  draft: Draft;
  types: string[];
  maxBytes: number;
  errors?: FieldError[];
  notice?: string;
}

function AttachmentsPage({ ctx, view }: { ctx: PageContext; view: AttachmentsView }) {
  const { draft } = view;
  const required = draft.detail.program.requiredAttachments;
  const files = draft.detail.attachments;
  const error = view.errors?.[0]?.message;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        {view.notice && <Alert kind="success">{view.notice}</Alert>}
        <ApplicationHeading ctx={ctx} draft={draft} title={ctx.t('applications.attachments.title')}>
          <LastSaved ctx={ctx} draft={draft} />
        </ApplicationHeading>
        <p class="usa-intro">{ctx.t('applications.attachments.lead')}</p>
        {required.length > 0 && (
          <>
            <h2>{ctx.t('applications.attachments.required')}</h2>
            <ul class="usa-list usa-list--unstyled gc-task-list">
              {required.map((r) => {
                const done = files.some((f) => f.requirementKey === r.key);
                return (
                  <li class="gc-task-list__item" key={r.key}>
                    <span>{r.label}</span>
                    <StatusTag
                      label={ctx.t(
                        done
                          ? 'applications.attachments.requiredDone'
                          : 'applications.attachments.requiredMissing',
                      )}
                      tone={done ? 'good' : undefined}
                    />
                  </li>
                );
              })}
            </ul>
          </>
        )}
        <h2>{ctx.t('applications.attachments.uploaded')}</h2>
        {files.length === 0 ? (
          <p>{ctx.t('applications.attachments.none')}</p>
        ) : (
          <table class="usa-table usa-table--borderless width-full">
            <thead>
              <tr>
                <th scope="col">{ctx.t('applications.attachments.file')}</th>
                <th scope="col">{ctx.t('applications.attachments.for')}</th>
                <th scope="col">{ctx.t('applications.attachments.size')}</th>
                <th scope="col">{ctx.t('applications.attachments.uploadedAt')}</th>
                <th scope="col">
                  <span class="usa-sr-only">{ctx.t('applications.attachments.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {files.map((f) => (
                <tr key={f.id}>
                  <th scope="row">{f.filename}</th>
                  <td>
                    {required.find((r) => r.key === f.requirementKey)?.label ??
                      ctx.t('applications.attachments.other')}
                  </td>
                  <td>{sizeText(Number(f.sizeBytes))}</td>
                  <td>{ctx.formats.dateTime(new Date(f.createdAt))}</td>
                  <td>
                    <form method="post" action={`${draft.base}/attachments/${f.id}/remove`}>
                      <CsrfField ctx={ctx} />
                      <button
                        class="usa-button usa-button--unstyled"
                        type="submit"
                        aria-label={ctx.t('applications.attachments.removeLabel', {
                          filename: f.filename,
                        })}
                      >
                        {ctx.t('applications.attachments.remove')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <form
          class="usa-form usa-form--large"
          method="post"
          enctype="multipart/form-data"
          action={`${draft.base}/attachments?_csrf=${encodeURIComponent(ctx.csrfToken)}`}
        >
          {required.length > 0 && (
            <div class="usa-form-group">
              <label class="usa-label" for="requirementKey">
                {ctx.t('applications.attachments.for')}
              </label>
              <div class="usa-hint" id="requirementKey-hint">
                {ctx.t('applications.attachments.forHint')}
              </div>
              <select
                class="usa-select"
                id="requirementKey"
                name="requirementKey"
                aria-describedby="requirementKey-hint"
              >
                <option value="">{ctx.t('applications.attachments.other')}</option>
                {required.map((r) => (
                  <option value={r.key} key={r.key}>
                    {r.label}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
            <label class={`usa-label${error ? ' usa-label--error' : ''}`} for="file">
              {ctx.t('applications.attachments.choose')}
            </label>
            <div class="usa-hint" id="file-hint">
              {ctx.t('applications.attachments.limits', {
                types: view.types.map(typeName).join(', '),
                size: sizeText(view.maxBytes),
              })}
            </div>
            {error && (
              <span class="usa-error-message" id="file-error">
                {error}
              </span>
            )}
            <input
              class={`usa-file-input${error ? ' usa-input--error' : ''}`}
              id="file"
              name="file"
              type="file"
              accept={view.types.join(',')}
              aria-describedby={error ? 'file-hint file-error' : 'file-hint'}
            />
          </div>
          <button class="usa-button" type="submit">
            {ctx.t('applications.attachments.upload')}
          </button>
        </form>
        <p class="margin-top-4">
          <a class="usa-button usa-button--outline" href={draft.base}>
            {ctx.t('applications.backToTasks')}
          </a>
        </p>
      </div>
    </div>
  );
}

/**
 * Attachments: upload (multipart, streamed through the same content gate as the API: real type
 * by magic bytes, the agency's size limit), list and remove, with refusals a person can act on.
 */
@WebPage()
@Controller(':agencyCode/organizations/:organizationId/applications/:applicationId/attachments')
export class AttachmentPages {
  constructor(
    private readonly pages: PageContexts,
    private readonly drafts: DraftPages,
    private readonly attachments: ApplicationAttachments,
    private readonly agencies: AgencyDirectory,
    private readonly context: RequestContext,
  ) {}

  private view(draft: Draft): AttachmentsView {
    const config = this.agencies.configOf(this.context.agencyId).applications;
    return { draft, types: config.allowedAttachmentTypes, maxBytes: config.maxAttachmentBytes };
  }

  @Get()
  @RequirePermission('application.read')
  async show(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Query() query: Record<string, string>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    if (!draft.editable) return PageReply.redirect(`${draft.base}/status`);
    const ctx = this.pages.build(request, reply, agencyCode);
    const notice = query.added
      ? ctx.t('applications.attachments.added', { filename: query.added })
      : query.removed
        ? ctx.t('applications.attachments.removed')
        : undefined;
    return this.page(ctx, { ...this.view(draft), notice });
  }

  @Post()
  @RequirePermission('application.edit')
  async upload(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const draft = await this.drafts.load(agencyCode, organizationId, applicationId);
    const ctx = this.pages.build(request, reply, agencyCode);
    const view = this.view(draft);
    let filename = '';
    try {
      if (!request.isMultipart()) throw new AttachmentMissingError();
      const part = await request.file({
        limits: { fileSize: this.attachments.maxBytes() + 1, files: 1 },
      });
      if (!part || !part.filename) {
        part?.file.resume();
        throw new AttachmentMissingError();
      }
      filename = part.filename;
      const field = part.fields.requirementKey as { value?: unknown } | undefined;
      const requirementKey =
        typeof field?.value === 'string' && field.value !== '' ? field.value : undefined;
      const saved = await this.attachments.upload({ organizationId }, applicationId, {
        filename: part.filename,
        content: part.file,
        requirementKey,
      });
      return PageReply.redirect(
        `${draft.base}/attachments?added=${encodeURIComponent(saved.filename)}`,
      );
    } catch (error) {
      const message =
        error instanceof AttachmentMissingError
          ? ctx.t('applications.attachments.missing')
          : error instanceof AttachmentTooLargeError
            ? ctx.t('applications.attachments.tooLarge', { size: sizeText(view.maxBytes) })
            : error instanceof AttachmentRefusedError
              ? ctx.t('applications.attachments.refusedType', { filename })
              : error instanceof ApplicationInvalidError
                ? ctx.t('applications.attachments.refused', { detail: error.message })
                : undefined;
      if (message === undefined) throw error;
      const status = error instanceof AttachmentTooLargeError ? 413 : 422;
      return this.page(ctx, { ...view, errors: [{ field: 'file', message }] }, status);
    }
  }

  @Post(':attachmentId/remove')
  @RequirePermission('application.edit')
  async remove(
    @Param('agencyCode') agencyCode: string,
    @Param('organizationId') organizationId: string,
    @Param('applicationId') applicationId: string,
    @Param('attachmentId') attachmentId: string,
    @Res() _reply: FastifyReply,
  ): Promise<PageReply> {
    await this.attachments.remove({ organizationId }, applicationId, attachmentId);
    return PageReply.redirect(
      `/${agencyCode}/organizations/${organizationId}/applications/${applicationId}/attachments?removed=1`,
    );
  }

  private page(ctx: PageContext, view: AttachmentsView, status = 200): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: pageTitle(ctx.t('applications.attachments.title'), view.draft),
        hasErrors: !!view.errors,
        children: <AttachmentsPage ctx={ctx} view={view} />,
      }),
      status,
    );
  }
}
