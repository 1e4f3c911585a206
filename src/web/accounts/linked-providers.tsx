import { Body, Controller, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequirePermission, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { LinkedIdentities, LinkedProvider } from '../../identity/sso/linked-identities.service';
import { LastSignInMethodError } from '../../identity/sso/sso.errors';
import { Alert, CsrfField } from '../render/components';
import type { PageContext } from '../render/page-context';

/** The account page's list of providers linked to the account, each with its Unlink form. */
export function LinkedProvidersSection(props: {
  ctx: PageContext;
  linked: LinkedProvider[];
  notice?: { kind: 'unlinked'; name: string } | { kind: 'lastWayIn' };
}) {
  const { ctx, linked, notice } = props;
  return (
    <section aria-labelledby="linked-heading">
      <h2 id="linked-heading">{ctx.t('sso.linked.heading')}</h2>
      {notice?.kind === 'unlinked' && (
        <Alert kind="success">{ctx.t('sso.linked.unlinked', { name: notice.name })}</Alert>
      )}
      {notice?.kind === 'lastWayIn' && <Alert kind="error">{ctx.t('sso.linked.lastWayIn')}</Alert>}
      {linked.length === 0 ? (
        <p>{ctx.t('sso.linked.none')}</p>
      ) : (
        <>
          <p>{ctx.t('sso.linked.lead')}</p>
          <table class="usa-table usa-table--borderless width-full">
            <thead>
              <tr>
                <th scope="col">{ctx.t('sso.linked.service')}</th>
                <th scope="col">{ctx.t('sso.linked.agency')}</th>
                <th scope="col">{ctx.t('sso.linked.email')}</th>
                <th scope="col">{ctx.t('sso.linked.lastUsed')}</th>
                <th scope="col">
                  <span class="usa-sr-only">{ctx.t('sso.linked.unlink')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {linked.map((link) => (
                <tr>
                  <th scope="row">{link.providerName}</th>
                  <td>{link.agencyName}</td>
                  <td>{link.email}</td>
                  <td>{ctx.formats.dateTime(link.lastUsedAt)}</td>
                  <td>
                    <form method="post" action="/account/linked-providers/unlink">
                      <CsrfField ctx={ctx} />
                      <input type="hidden" name="agency" value={link.agencyCode} />
                      <input type="hidden" name="provider" value={link.providerId} />
                      <button
                        class="usa-button usa-button--unstyled"
                        type="submit"
                        aria-label={ctx.t('sso.linked.unlinkLabel', { name: link.providerName })}
                      >
                        {ctx.t('sso.linked.unlink')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** What the account page shows after an unlink, from its query (`unlinked=`, `lastWayIn=`). */
export function linkedNotice(
  query: Record<string, string>,
  nameOf: (agencyCode: string, providerId: string) => string | undefined,
): { kind: 'unlinked'; name: string } | { kind: 'lastWayIn' } | undefined {
  if (query.lastWayIn) return { kind: 'lastWayIn' };
  const [agencyCode, providerId] = (query.unlinked ?? '').split(':');
  const name = agencyCode && providerId ? nameOf(agencyCode, providerId) : undefined;
  return name ? { kind: 'unlinked', name } : undefined;
}

/**
 * Unlinking a provider from one's own account. In the request transaction (the access policy
 * in its first statement refuses a revoked session); the service refuses to remove the last
 * way in.
 */
@WebPage()
@Controller()
export class LinkedProvidersController {
  constructor(private readonly linked: LinkedIdentities) {}

  @Post('account/linked-providers/unlink')
  @RequirePermission('self.update')
  async unlink(
    @Body() form: Record<string, string>,
    @Req() _request: FastifyRequest,
    @Res() _reply: FastifyReply,
  ): Promise<PageReply> {
    const agency = String(form.agency ?? '');
    const provider = String(form.provider ?? '');
    try {
      await this.linked.unlink(agency, provider);
    } catch (error) {
      if (error instanceof LastSignInMethodError) {
        return PageReply.redirect('/account?lastWayIn=1#linked-heading');
      }
      throw error;
    }
    const key = encodeURIComponent(`${agency}:${provider}`);
    return PageReply.redirect(`/account?unlinked=${key}#linked-heading`);
  }
}
