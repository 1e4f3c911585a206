import type { DocumentView } from '../../organizations/documents/organization-documents.service';
import { DOCUMENT_KINDS } from '../../organizations/documents/document-kinds';
import {
  Alert,
  ErrorSummary,
  errorFor,
  FieldError,
  StatusTag,
  TextField,
} from '../render/components';
import type { PageContext } from '../render/page-context';

export interface LibraryView {
  base: string;
  organizationName: string;
  documents: DocumentView[];
  canManage: boolean;
  done?: { what: 'uploaded' | 'replaced' | 'removed'; title: string };
}

export interface DocumentFormView {
  base: string;
  organizationName: string;
  maxMegabytes: number;
  /** Present when replacing. */
  current?: DocumentView;
  values: { kind?: string; title?: string; expiresOn?: string };
  errors?: FieldError[];
}

const TONE = { valid: 'good', expiring_soon: 'neutral', expired: 'bad' } as const;

/** A calendar date (YYYY-MM-DD) in the reader's language: noon UTC is that day in every US zone. */
export const calendarDate = (ctx: PageContext, isoDate: string) =>
  ctx.formats.date(new Date(`${isoDate}T12:00:00Z`));

export function LibraryPage({ ctx, view }: { ctx: PageContext; view: LibraryView }) {
  return (
    <>
      {view.done && (
        <Alert kind="success">
          {ctx.t(`documents.done.${view.done.what}`, { title: view.done.title })}
        </Alert>
      )}
      <div class="usa-prose">
        <h1>{ctx.t('documents.title')}</h1>
        <p class="usa-intro">{view.organizationName}</p>
        <p>{ctx.t('documents.lead')}</p>
      </div>
      {view.canManage ? (
        <p>
          <a class="usa-button" href={`${view.base}/new`}>
            {ctx.t('documents.upload')}
          </a>
        </p>
      ) : (
        <p>{ctx.t('documents.readOnly')}</p>
      )}
      {view.documents.length === 0 ? (
        <p>{ctx.t('documents.empty')}</p>
      ) : (
        <table class="usa-table usa-table--stacked usa-table--borderless width-full">
          <caption class="usa-sr-only">
            {ctx.t('documents.caption', { organization: view.organizationName })}
          </caption>
          <thead>
            <tr>
              <th scope="col">{ctx.t('documents.colTitle')}</th>
              <th scope="col">{ctx.t('documents.colKind')}</th>
              <th scope="col">{ctx.t('documents.colFile')}</th>
              <th scope="col">{ctx.t('documents.colExpires')}</th>
              <th scope="col">{ctx.t('documents.colStatus')}</th>
              {view.canManage && <th scope="col">{ctx.t('documents.colActions')}</th>}
            </tr>
          </thead>
          <tbody>
            {view.documents.map((d) => (
              <tr key={d.id}>
                <th scope="row" data-label={ctx.t('documents.colTitle')}>
                  {d.title}
                </th>
                <td data-label={ctx.t('documents.colKind')}>
                  {ctx.t(`documents.kinds.${d.kind}`)}
                </td>
                <td data-label={ctx.t('documents.colFile')}>
                  <a class="usa-link" href={`${view.base}/${d.id}/file`}>
                    {ctx.t('documents.fileSize', {
                      filename: d.filename,
                      size: Math.max(1, Math.ceil(d.sizeBytes / 1024)),
                    })}
                  </a>
                </td>
                <td data-label={ctx.t('documents.colExpires')}>
                  {d.expiresOn ? calendarDate(ctx, d.expiresOn) : ctx.t('documents.noExpiry')}
                </td>
                <td data-label={ctx.t('documents.colStatus')}>
                  <StatusTag label={ctx.t(`documents.status.${d.status}`)} tone={TONE[d.status]} />
                </td>
                {view.canManage && (
                  <td data-label={ctx.t('documents.colActions')}>
                    <ul class="usa-list usa-list--unstyled">
                      <li>
                        <a
                          class="usa-link"
                          href={`${view.base}/${d.id}/replace`}
                          aria-label={ctx.t('documents.replaceLabel', { title: d.title })}
                        >
                          {ctx.t('documents.replace')}
                        </a>
                      </li>
                      <li>
                        <a
                          class="usa-link"
                          href={`${view.base}/${d.id}/remove`}
                          aria-label={ctx.t('documents.removeLabel', { title: d.title })}
                        >
                          {ctx.t('documents.remove')}
                        </a>
                      </li>
                    </ul>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function KindField({ ctx, value, error }: { ctx: PageContext; value?: string; error?: string }) {
  return (
    <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
      <label class={`usa-label${error ? ' usa-label--error' : ''}`} for="kind">
        {ctx.t('documents.form.kind')}
      </label>
      {error && (
        <span class="usa-error-message" id="kind-error" role="alert">
          {error}
        </span>
      )}
      <select
        class={`usa-select${error ? ' usa-input--error' : ''}`}
        id="kind"
        name="kind"
        required
        aria-describedby={error ? 'kind-error' : undefined}
        aria-invalid={error ? 'true' : undefined}
      >
        <option value="">{ctx.t('documents.form.chooseKind')}</option>
        {DOCUMENT_KINDS.map((kind) => (
          <option value={kind} selected={kind === value} key={kind}>
            {ctx.t(`documents.kinds.${kind}`)}
          </option>
        ))}
      </select>
    </div>
  );
}

function FileField({ ctx, hint, error }: { ctx: PageContext; hint: string; error?: string }) {
  return (
    <div class={`usa-form-group${error ? ' usa-form-group--error' : ''}`}>
      <label class={`usa-label${error ? ' usa-label--error' : ''}`} for="file">
        {ctx.t('documents.form.file')}
      </label>
      <div class="usa-hint" id="file-hint">
        {hint}
      </div>
      {error && (
        <span class="usa-error-message" id="file-error" role="alert">
          {error}
        </span>
      )}
      <input
        class="usa-file-input"
        id="file"
        name="file"
        type="file"
        required
        accept=".pdf,.png,.jpg,.jpeg,.csv,.txt"
        aria-describedby={error ? 'file-hint file-error' : 'file-hint'}
        aria-invalid={error ? 'true' : undefined}
      />
    </div>
  );
}

/** Upload and replace: the fields come before the file, so the server reads them first. */
export function DocumentFormPage({ ctx, view }: { ctx: PageContext; view: DocumentFormView }) {
  const replacing = view.current !== undefined;
  const action = replacing ? `${view.base}/${view.current!.id}/replace` : `${view.base}/new`;
  const size = view.maxMegabytes;
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-8">
        <ErrorSummary ctx={ctx} errors={view.errors} />
        <h1>
          {replacing
            ? ctx.t('documents.form.replaceTitle', { title: view.current!.title })
            : ctx.t('documents.form.uploadTitle')}
        </h1>
        <p class="usa-intro">{view.organizationName}</p>
        <form
          class="usa-form usa-form--large"
          method="post"
          enctype="multipart/form-data"
          action={`${action}?_csrf=${encodeURIComponent(ctx.csrfToken)}`}
          novalidate
        >
          <KindField ctx={ctx} value={view.values.kind} error={errorFor(view.errors, 'kind')} />
          <TextField
            name="title"
            label={ctx.t('documents.form.title')}
            hint={ctx.t('documents.form.titleHint')}
            value={view.values.title}
            error={errorFor(view.errors, 'title')}
            required
          />
          <TextField
            name="expiresOn"
            type="date"
            label={ctx.t('documents.form.expiresOn')}
            hint={ctx.t('documents.form.expiresOnHint')}
            value={view.values.expiresOn}
            error={errorFor(view.errors, 'expiresOn')}
          />
          <FileField
            ctx={ctx}
            hint={
              replacing
                ? ctx.t('documents.form.replaceFileHint', {
                    filename: view.current!.filename,
                    size,
                  })
                : ctx.t('documents.form.fileHint', { size })
            }
            error={errorFor(view.errors, 'file')}
          />
          <button class="usa-button" type="submit">
            {replacing
              ? ctx.t('documents.form.submitReplace')
              : ctx.t('documents.form.submitUpload')}
          </button>
          <a class="usa-button usa-button--unstyled margin-left-2" href={view.base}>
            {ctx.t('documents.form.cancel')}
          </a>
        </form>
      </div>
    </div>
  );
}
