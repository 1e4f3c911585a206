import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate, ValidationError } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { SendsEmail } from '../../core/http/rate-limits';
import { PageReply } from '../../core/http/page-reply';
import { OrganizationDto } from '../../organizations/dto/organization.dto';
import { ORGANIZATION_TYPES } from '../../organizations/organization-types';
import { OrganizationIdentifierTakenError } from '../../organizations/organizations.errors';
import { OrganizationsService } from '../../organizations/organizations.service';
import type { MessageKey } from '../i18n/i18n';
import { PageContexts } from '../page-contexts';
import { CsrfField, ErrorSummary, errorFor, FieldError, TextField } from '../render/components';
import { page } from '../render/layout';
import type { PageContext } from '../render/page-context';
import { Fieldset, SelectField, textOf } from './form-controls';

/** The registration form's fields, in the order the page shows them (and the summary lists). */
const FIELDS = [
  'legalName',
  'type',
  'stateDistrictCode',
  'ncesLeaId',
  'uei',
  'line1',
  'line2',
  'city',
  'state',
  'postalCode',
] as const;
type Field = (typeof FIELDS)[number];
type RegistrationForm = Partial<Record<Field, string>>;

/** The API's DTO, built from the form: the same validation as POST .../registrations. */
function toDto(form: RegistrationForm) {
  const optional = (value: string) => (value === '' ? undefined : value);
  return plainToInstance(OrganizationDto, {
    legalName: form.legalName,
    type: form.type,
    stateDistrictCode: optional(form.stateDistrictCode ?? ''),
    ncesLeaId: optional(form.ncesLeaId ?? ''),
    uei: optional(form.uei ?? ''),
    address: {
      line1: form.line1,
      line2: optional(form.line2 ?? ''),
      city: form.city,
      state: (form.state ?? '').toUpperCase(),
      postalCode: form.postalCode,
    },
  });
}

/** Which fields failed (the address's fields are nested in the DTO). */
function failedFields(errors: ValidationError[]): Set<string> {
  const failed = new Set<string>();
  for (const e of errors) {
    if (e.property === 'address' && e.children?.length) {
      for (const child of e.children) failed.add(child.property);
      if (!e.children.length) failed.add('line1');
    } else failed.add(e.property);
  }
  return failed;
}

function RegistrationPage({
  ctx,
  form,
  errors,
}: {
  ctx: PageContext;
  form: RegistrationForm;
  errors?: FieldError[];
}) {
  const t = (key: string) => ctx.t(`organizations.register.${key}` as MessageKey);
  const label = (name: Field) =>
    name === 'stateDistrictCode' || name === 'ncesLeaId' || name === 'uei'
      ? ctx.t(`organizations.identifiers.${name}`)
      : t(name);
  const text = (name: Field, options: { hint?: string; width?: 'md' | 'lg' | 'xl' } = {}) => (
    <TextField
      name={name}
      label={label(name)}
      value={form[name]}
      error={errorFor(errors, name)}
      hint={options.hint}
      width={options.width}
    />
  );
  return (
    <div class="grid-row">
      <div class="tablet:grid-col-10 desktop:grid-col-8">
        <ErrorSummary ctx={ctx} errors={errors} />
        <h1>{t('title')}</h1>
        <p class="usa-intro">
          {ctx.t('organizations.register.lead', { agency: ctx.agency!.displayName })}
        </p>
        <form
          class="usa-form usa-form--large"
          method="post"
          action={`/${ctx.agency!.code}/organizations/new`}
          novalidate
        >
          <CsrfField ctx={ctx} />
          {text('legalName', { hint: t('legalNameHint'), width: 'xl' })}
          <SelectField
            name="type"
            label={t('type')}
            empty={t('chooseType')}
            value={form.type}
            error={errorFor(errors, 'type')}
            choices={ORGANIZATION_TYPES.map((type) => ({
              value: type,
              label: ctx.t(`organizations.types.${type}`),
            }))}
          />
          <Fieldset legend={t('identifiersLegend')} hint={t('identifiersHint')} hintId="ids-hint">
            {text('stateDistrictCode', { hint: t('stateDistrictCodeHint'), width: 'md' })}
            {text('ncesLeaId', { hint: t('ncesLeaIdHint'), width: 'md' })}
            {text('uei', { hint: t('ueiHint'), width: 'md' })}
          </Fieldset>
          <Fieldset legend={t('addressLegend')}>
            {text('line1', { width: 'xl' })}
            {text('line2', { width: 'xl' })}
            {text('city', { width: 'lg' })}
            {text('state', { hint: t('stateHint'), width: 'md' })}
            {text('postalCode', { width: 'md' })}
          </Fieldset>
          <button class="usa-button margin-top-3" type="submit">
            {t('submit')}
          </button>
        </form>
      </div>
    </div>
  );
}

/**
 * Registering a district: any signed-in person, through the service the API's
 * POST .../organizations/registrations uses. The organization is pending until agency staff
 * approve it; the registrant becomes its administrator at once.
 */
@WebPage()
@Controller(':agencyCode/organizations')
export class RegistrationController {
  constructor(
    private readonly pages: PageContexts,
    private readonly organizations: OrganizationsService,
  ) {}

  @Get('new')
  @RequirePermission('organization.register')
  form(
    @Param('agencyCode') agencyCode: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    return this.page(this.pages.build(request, reply, agencyCode), {});
  }

  @Post('new')
  @SendsEmail()
  @RequirePermission('organization.register')
  async register(
    @Param('agencyCode') agencyCode: string,
    @Body() body: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<PageReply> {
    const ctx = this.pages.build(request, reply, agencyCode);
    const form = Object.fromEntries(FIELDS.map((f) => [f, textOf(body[f])])) as RegistrationForm;
    const message = (field: string) =>
      ctx.t(`organizations.register.errors.${field}` as MessageKey);
    const failed = failedFields(await validate(toDto(form)));
    if (failed.size > 0) {
      const errors = FIELDS.filter((f) => failed.has(f)).map((field) => ({
        field,
        message: message(field),
      }));
      return this.page(ctx, form, errors, 422);
    }
    try {
      const organization = await this.organizations.register(toDto(form));
      return PageReply.redirect(`/${agencyCode}/organizations/${organization.id}?registered=1`);
    } catch (error) {
      if (!(error instanceof OrganizationIdentifierTakenError)) throw error;
      const problems = (error.extensions.errors ?? []) as Array<{ pointer: string }>;
      const taken = ctx.t('organizations.register.errors.taken', {
        agency: ctx.agency!.displayName,
      });
      const errors = problems.map((p) => ({ field: p.pointer.slice(1), message: taken }));
      return this.page(ctx, form, errors, 409);
    }
  }

  private page(
    ctx: PageContext,
    form: RegistrationForm,
    errors?: FieldError[],
    status = 200,
  ): PageReply {
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('organizations.register.title'),
        hasErrors: !!errors,
        children: <RegistrationPage ctx={ctx} form={form} errors={errors} />,
      }),
      status,
    );
  }
}
