import type { OrganizationMemberView as OrganizationMember } from '../../organizations/organization-members.service';
import { ORGANIZATION_ROLES } from '../../identity/permissions';
import type { OrganizationView } from '../../organizations/organization.view';
import {
  Alert,
  CsrfField,
  ErrorSummary,
  errorFor,
  FieldError,
  StatusTag,
  TextField,
} from '../render/components';
import type { PageContext } from '../render/page-context';
import { ChoiceGroup } from './form-controls';

export interface InviteForm {
  name: string;
  email: string;
  roles: string[];
}

export interface MembersView {
  organization: OrganizationView;
  members: OrganizationMember[];
  notice?: { done: 'invited' | 'saved' | 'removed'; email: string };
}

const roleChoices = (ctx: PageContext) =>
  ORGANIZATION_ROLES.map((role) => ({
    value: role,
    label: ctx.t(`organizations.roles.${role}`),
    hint: ctx.t(`organizations.roleHints.${role}`),
  }));

const roleNames = (ctx: PageContext, roles: string[]) =>
  roles
    .filter((r): r is (typeof ORGANIZATION_ROLES)[number] =>
      (ORGANIZATION_ROLES as readonly string[]).includes(r),
    )
    .map((r) => ctx.t(`organizations.roles.${r}`))
    .join(', ');

function BackLink({ ctx, organization }: { ctx: PageContext; organization: OrganizationView }) {
  return (
    <p>
      <a class="usa-link" href={`/${ctx.agency!.code}/organizations/${organization.id}`}>
        {ctx.t('organizations.back', { organization: organization.legalName })}
      </a>
    </p>
  );
}

export function MembersPage({
  ctx,
  view,
  form,
  errors,
}: {
  ctx: PageContext;
  view: MembersView;
  form: InviteForm;
  errors?: FieldError[];
}) {
  const o = view.organization;
  const base = `/${ctx.agency!.code}/organizations/${o.id}/members`;
  const notice = view.notice;
  return (
    <>
      <BackLink ctx={ctx} organization={o} />
      <ErrorSummary ctx={ctx} errors={errors} />
      {notice && (
        <Alert kind="success">
          {ctx.t(
            notice.done === 'invited'
              ? 'organizations.members.invited'
              : notice.done === 'saved'
                ? 'organizations.members.rolesSaved'
                : 'organizations.members.removed',
            { email: notice.email },
          )}
        </Alert>
      )}
      <div class="usa-prose">
        <h1>{ctx.t('organizations.members.title')}</h1>
        <p class="usa-intro">
          {ctx.t('organizations.members.lead', { organization: o.legalName })}
        </p>
      </div>
      <table class="usa-table usa-table--borderless usa-table--stacked width-full">
        <caption class="usa-sr-only">{ctx.t('organizations.members.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('organizations.members.email')}</th>
            <th scope="col">{ctx.t('organizations.members.name')}</th>
            <th scope="col">{ctx.t('organizations.members.roles')}</th>
            <th scope="col">{ctx.t('organizations.members.status')}</th>
            <th scope="col">{ctx.t('organizations.members.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {view.members.map((m) => (
            <tr key={m.id}>
              <th scope="row" data-label={ctx.t('organizations.members.email')}>
                {m.email}
              </th>
              <td data-label={ctx.t('organizations.members.name')}>
                {m.name ?? ctx.t('organizations.members.noName')}
              </td>
              <td data-label={ctx.t('organizations.members.roles')}>{roleNames(ctx, m.roles)}</td>
              <td data-label={ctx.t('organizations.members.status')}>
                <StatusTag
                  label={ctx.t(`organizations.memberStatuses.${m.status}`)}
                  tone={m.status === 'active' ? 'good' : 'neutral'}
                />
              </td>
              <td data-label={ctx.t('organizations.members.actions')}>
                <a class="usa-link" href={`${base}/${m.id}`}>
                  {ctx.t('organizations.members.changeRoles')}
                  <span class="usa-sr-only"> ({m.email})</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 class="margin-top-5">{ctx.t('organizations.members.inviteHeading')}</h2>
      {o.status !== 'active' ? (
        <Alert kind="info">
          {ctx.t('organizations.members.pendingOrganization', { agency: ctx.agency!.displayName })}
        </Alert>
      ) : (
        <form class="usa-form usa-form--large" method="post" action={base} novalidate>
          <p>{ctx.t('organizations.members.inviteLead')}</p>
          <CsrfField ctx={ctx} />
          <TextField
            name="name"
            label={ctx.t('organizations.members.inviteName')}
            value={form.name}
            error={errorFor(errors, 'name')}
            autocomplete="off"
          />
          <TextField
            name="email"
            type="email"
            label={ctx.t('organizations.members.inviteEmail')}
            value={form.email}
            error={errorFor(errors, 'email')}
            autocomplete="off"
          />
          <ChoiceGroup
            name="roles"
            type="checkbox"
            legend={ctx.t('organizations.members.inviteRoles')}
            hint={ctx.t('organizations.members.inviteRolesHint')}
            choices={roleChoices(ctx)}
            checked={form.roles}
            error={errorFor(errors, 'roles')}
          />
          <button class="usa-button" type="submit">
            {ctx.t('organizations.members.invite')}
          </button>
        </form>
      )}
    </>
  );
}

export function MemberPage({
  ctx,
  organization,
  member,
  roles,
  errors,
}: {
  ctx: PageContext;
  organization: OrganizationView;
  member: OrganizationMember;
  roles: string[];
  errors?: FieldError[];
}) {
  const action = `/${ctx.agency!.code}/organizations/${organization.id}/members/${member.id}`;
  return (
    <>
      <p>
        <a class="usa-link" href={`/${ctx.agency!.code}/organizations/${organization.id}/members`}>
          {ctx.t('organizations.members.title')}
        </a>
      </p>
      <ErrorSummary ctx={ctx} errors={errors} />
      <div class="usa-prose">
        <h1>{ctx.t('organizations.members.changeRolesFor', { email: member.email })}</h1>
        <p>
          {member.name ?? ctx.t('organizations.members.noName')}{' '}
          <StatusTag
            label={ctx.t(`organizations.memberStatuses.${member.status}`)}
            tone={member.status === 'active' ? 'good' : 'neutral'}
          />
        </p>
      </div>
      <form class="usa-form usa-form--large" method="post" action={action} novalidate>
        <CsrfField ctx={ctx} />
        <ChoiceGroup
          name="roles"
          type="checkbox"
          legend={ctx.t('organizations.members.roles')}
          hint={ctx.t('organizations.members.inviteRolesHint')}
          choices={roleChoices(ctx)}
          checked={roles}
          error={errorFor(errors, 'roles')}
        />
        <button class="usa-button" type="submit">
          {ctx.t('organizations.members.saveRoles')}
        </button>
      </form>
      <form class="margin-top-5" method="post" action={`${action}/remove`}>
        <CsrfField ctx={ctx} />
        {errorFor(errors, 'remove') && (
          <span class="usa-error-message" id="remove-error" role="alert">
            {errorFor(errors, 'remove')}
          </span>
        )}
        <button
          class="usa-button usa-button--secondary"
          type="submit"
          id="remove"
          aria-describedby={errorFor(errors, 'remove') ? 'remove-error' : undefined}
        >
          {ctx.t('organizations.members.removeLabel', { email: member.email })}
        </button>
      </form>
    </>
  );
}
