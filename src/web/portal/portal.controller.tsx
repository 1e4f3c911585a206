import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public, WebPage } from '../../core/access/access.decorators';
import { PageReply } from '../../core/http/page-reply';
import { AgencyBrands } from '../agency-brands';
import { PageContexts } from '../page-contexts';
import { page } from '../render/layout';

/** The deployment's front page (which agencies are here) and each agency's portal home. */
@WebPage()
@Controller()
export class PortalController {
  constructor(
    private readonly pages: PageContexts,
    private readonly brands: AgencyBrands,
  ) {}

  @Get()
  @Public()
  root(@Req() request: FastifyRequest, @Res() reply: FastifyReply): PageReply {
    const ctx = this.pages.build(request, reply);
    const agencies = this.brands.all();
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('root.title'),
        children: (
          <>
            <div class="usa-prose">
              <h1>{ctx.t('root.title')}</h1>
              <p class="usa-intro">{ctx.t('root.lead')}</p>
              <h2>{ctx.t('root.agencies')}</h2>
            </div>
            {agencies.length === 0 ? (
              <p>{ctx.t('root.noAgencies')}</p>
            ) : (
              <ul class="usa-card-group">
                {agencies.map((agency) => (
                  <li class="usa-card tablet:grid-col-6" key={agency.code}>
                    <div class="usa-card__container">
                      <div class="usa-card__header">
                        <h3 class="usa-card__heading">{agency.name}</h3>
                      </div>
                      <div class="usa-card__body">
                        <p>{agency.jurisdiction}</p>
                      </div>
                      <div class="usa-card__footer">
                        <a class="usa-button" href={`/${agency.code}`}>
                          {ctx.t('root.openPortal', { name: agency.displayName })}
                        </a>
                      </div>
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </>
        ),
      }),
    );
  }

  /** The agency's portal home. An unknown code is the site's 404 page (the tenant lookup). */
  @Get(':agencyCode')
  @Public()
  home(
    @Param('agencyCode') agencyCode: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): PageReply {
    const ctx = this.pages.build(request, reply, agencyCode);
    const agency = ctx.agency!.displayName;
    return PageReply.html(
      page({
        ctx,
        title: ctx.t('common.home'),
        children: (
          <>
            <div class="gc-hero padding-x-4">
              <h1>{ctx.t('portal.title', { agency })}</h1>
              <p class="usa-intro">{ctx.t('portal.lead')}</p>
            </div>
            <ul class="usa-card-group margin-top-4">
              <li class="usa-card tablet:grid-col-6">
                <div class="usa-card__container">
                  <div class="usa-card__header">
                    <h2 class="usa-card__heading">{ctx.t('portal.findFunding')}</h2>
                  </div>
                  <div class="usa-card__body">
                    <p>{ctx.t('portal.findFundingText')}</p>
                  </div>
                  <div class="usa-card__footer">
                    <a class="usa-button" href={`/${agencyCode}/programs`}>
                      {ctx.t('portal.findFunding')}
                    </a>
                  </div>
                </div>
              </li>
              <li class="usa-card tablet:grid-col-6">
                <div class="usa-card__container">
                  <div class="usa-card__header">
                    <h2 class="usa-card__heading">{ctx.t('portal.yourWork')}</h2>
                  </div>
                  <div class="usa-card__body">
                    <p>{ctx.t('portal.yourWorkText')}</p>
                  </div>
                  <div class="usa-card__footer">
                    <a class="usa-button usa-button--outline" href={`/${agencyCode}/sign-in`}>
                      {ctx.t('common.signIn')}
                    </a>
                  </div>
                </div>
              </li>
            </ul>
            <div class="usa-prose margin-top-4">
              <h2>{ctx.t('portal.newHere')}</h2>
              <p>{ctx.t('portal.newHereText')}</p>
              <p>
                <a class="usa-link" href={`/${agencyCode}/sign-up`}>
                  {ctx.t('common.createAccount')}
                </a>
              </p>
            </div>
          </>
        ),
      }),
    );
  }
}
