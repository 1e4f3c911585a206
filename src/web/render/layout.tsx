import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import { CsrfField } from './components';
import type { PageContext } from './page-context';

export interface LayoutProps {
  ctx: PageContext;
  /** What this page is ("Sign in", "Apply – Title I"); the agency or service is appended. */
  title: string;
  /** The page shows validation errors: the title starts "Error:" (WEB.md). */
  hasErrors?: boolean;
  children: ComponentChildren;
}

/**
 * The language switch: a form (it changes state, so a POST with the CSRF token) that comes back
 * to the same page in the other language; a plain button, so it works without JavaScript.
 */
function LanguageSwitch({ ctx }: { ctx: PageContext }) {
  const to = ctx.locale === 'en' ? 'es' : 'en';
  return (
    <form method="post" action="/language" class="gc-inline-form">
      <CsrfField ctx={ctx} />
      <input type="hidden" name="to" value={to} />
      <input type="hidden" name="next" value={ctx.path} />
      <button
        type="submit"
        class="usa-nav-link usa-button--unstyled"
        lang={to}
        aria-label={ctx.t('common.switchToLabel')}
      >
        <span>{ctx.t('common.switchTo')}</span>
      </button>
    </form>
  );
}

function Banner({ ctx }: { ctx: PageContext }) {
  const official = ctx.agency
    ? ctx.t('common.officialSite', { jurisdiction: ctx.agency.jurisdiction })
    : ctx.t('common.officialSiteShared');
  return (
    <section class="usa-banner" aria-label={official}>
      <div class="usa-accordion">
        <header class="usa-banner__header">
          <div class="usa-banner__inner">
            <div class="grid-col-fill tablet:grid-col-auto" aria-hidden="true">
              <p class="usa-banner__header-text">{official}</p>
              <p class="usa-banner__header-action">{ctx.t('common.howYouKnow')}</p>
            </div>
            <button
              type="button"
              class="usa-accordion__button usa-banner__button"
              aria-expanded="false"
              aria-controls="gov-banner"
            >
              <span class="usa-banner__button-text">{ctx.t('common.howYouKnow')}</span>
            </button>
          </div>
        </header>
        <div class="usa-banner__content usa-accordion__content" id="gov-banner" hidden>
          <div class="grid-row grid-gap-lg">
            <div class="usa-banner__guidance tablet:grid-col-6">
              <div class="usa-media-block__body">
                <p>{ctx.t('common.bannerDotGov')}</p>
              </div>
            </div>
            <div class="usa-banner__guidance tablet:grid-col-6">
              <div class="usa-media-block__body">
                <p>{ctx.t('common.bannerHttps')}</p>
              </div>
            </div>
          </div>
        </div>
      </div>
    </section>
  );
}

function Header({ ctx }: { ctx: PageContext }) {
  const home = ctx.agency ? `/${ctx.agency.code}` : '/';
  const signIn = `${ctx.agency ? `/${ctx.agency.code}` : ''}/sign-in`;
  return (
    <header class="usa-header usa-header--basic gc-portal-header">
      <div class="usa-nav-container">
        <div class="usa-navbar">
          <div class="usa-logo">
            <em class="usa-logo__text">
              <a href={home}>{ctx.agency?.displayName ?? ctx.t('common.appName')}</a>
            </em>
          </div>
          <button type="button" class="usa-menu-btn">
            {ctx.t('common.menu')}
          </button>
        </div>
        <nav aria-label={ctx.t('common.primaryNavigation')} class="usa-nav">
          <button type="button" class="usa-nav__close">
            <span class="usa-sr-only">{ctx.t('common.close')}</span>✕
          </button>
          <ul class="usa-nav__primary usa-accordion">
            <li class="usa-nav__primary-item">
              <a class="usa-nav-link" href={home}>
                <span>{ctx.t('common.home')}</span>
              </a>
            </li>
            {ctx.user && (
              <li class="usa-nav__primary-item">
                <a class="usa-nav-link" href="/home">
                  <span>{ctx.t('common.yourGrants')}</span>
                </a>
              </li>
            )}
            {ctx.user && (
              <li class="usa-nav__primary-item">
                <a class="usa-nav-link" href="/account">
                  <span>{ctx.t('account.title')}</span>
                </a>
              </li>
            )}
            {ctx.user ? (
              <li class="usa-nav__primary-item">
                <form method="post" action="/sign-out" class="gc-inline-form">
                  <CsrfField ctx={ctx} />
                  <button type="submit" class="usa-nav-link usa-button--unstyled">
                    <span>{ctx.t('common.signOut')}</span>
                  </button>
                </form>
              </li>
            ) : (
              <li class="usa-nav__primary-item">
                <a class="usa-nav-link" href={signIn}>
                  <span>{ctx.t('common.signIn')}</span>
                </a>
              </li>
            )}
            <li class="usa-nav__primary-item">
              <LanguageSwitch ctx={ctx} />
            </li>
          </ul>
          {ctx.user && (
            <p class="usa-nav__secondary gc-signed-in">
              {ctx.t('common.signedInAs', { name: ctx.user.email })}
            </p>
          )}
        </nav>
      </div>
    </header>
  );
}

function Footer({ ctx }: { ctx: PageContext }) {
  return (
    <footer class="usa-footer usa-footer--slim">
      <div class="usa-footer__secondary-section">
        <div class="grid-container">
          {ctx.agency && <p class="text-bold">{ctx.agency.name}</p>}
          {ctx.agency && (
            <p>
              {ctx.t('common.contact')}:{' '}
              <a href={`mailto:${ctx.agency.contactEmail}`}>{ctx.agency.contactEmail}</a>
            </p>
          )}
          <p>{ctx.t('common.footerShared')}</p>
        </div>
      </div>
    </footer>
  );
}

/** Every page's frame: banner, header, one main landmark, footer; USWDS and our assets. */
export function Layout({ ctx, title, hasErrors, children }: LayoutProps) {
  const site = ctx.agency?.displayName ?? ctx.t('common.appName');
  const full = `${title} – ${site}`;
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{hasErrors ? ctx.t('common.errorPrefix', { title: full }) : full}</title>
        <script src={ctx.assets.uswdsInit}></script>
        <link rel="stylesheet" href={ctx.assets.uswdsCss} />
        <link rel="stylesheet" href={ctx.assets.appCss} />
        {ctx.agency && <link rel="stylesheet" href={ctx.agency.themeHref} />}
      </head>
      <body>
        <a class="usa-skipnav" href="#main-content">
          {ctx.t('common.skipToContent')}
        </a>
        <Banner ctx={ctx} />
        <div class="usa-overlay"></div>
        <Header ctx={ctx} />
        <main id="main-content" class="grid-container padding-y-4" tabIndex={-1}>
          {children}
        </main>
        <Footer ctx={ctx} />
        <script src={ctx.assets.uswdsJs}></script>
        <script src={ctx.assets.appJs}></script>
      </body>
    </html>
  );
}

/** A whole page as HTML text: the doctype and the rendered tree (escaped by Preact). */
export function page(props: LayoutProps): string {
  return `<!doctype html>${render(<Layout {...props} />)}`;
}
