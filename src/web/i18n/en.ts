import { accountsEn } from '../accounts/messages';
import { ssoEn } from '../accounts/sso-messages';
import { applicationsEn } from '../applications/messages';
import { awardsEn } from '../awards/messages';
import { documentsEn } from '../documents/messages';
import { fundingEn } from '../funding/messages';
import { homeEn } from '../home/messages';
import { usageEn } from '../usage/messages';
import { organizationsEn } from '../organizations/messages';
import { securityEn } from '../security/messages';
import { financeEn } from '../finance/messages';
import type { Widen } from './widen';

/**
 * The English catalog: every string a page shows. Sentences take placeholders ({{name}}), never
 * concatenation; plurals use i18next's _one/_other keys. Spanish (es.ts) must have every key:
 * its type is this catalog's shape, so a missing translation fails the build. Each area of pages
 * keeps its strings beside them (src/web/<area>/messages.ts), under its own namespace.
 */
export const en = {
  common: {
    skipToContent: 'Skip to main content',
    appName: 'Grant Commons',
    officialSite: 'An official website of the State of {{jurisdiction}}',
    officialSiteShared: 'A shared grants service of state education agencies',
    howYouKnow: "Here's how you know",
    bannerDotGov:
      'Official websites use a state government domain. A website of a state agency belongs to an official government organization.',
    bannerHttps:
      'Secure websites use HTTPS. A lock or https:// means you have safely connected to this website. Share sensitive information only on official, secure websites.',
    menu: 'Menu',
    close: 'Close',
    primaryNavigation: 'Primary navigation',
    home: 'Home',
    yourGrants: 'Your grants',
    signIn: 'Sign in',
    signOut: 'Sign out',
    createAccount: 'Create an account',
    signedInAs: 'Signed in as {{name}}',
    language: 'Language',
    switchTo: 'Español',
    switchToLabel: 'Ver esta página en español',
    contact: 'Contact',
    contactUs: 'Questions? Email {{email}}',
    footerShared: 'Grant Commons is open-source software run as a shared service.',
    errorPrefix: 'Error: {{title}}',
    thereIsAProblem: 'There is a problem',
    continue: 'Continue',
    back: 'Back',
    requestId: 'Reference: {{requestId}}',
  },
  root: {
    title: 'Grant Commons',
    lead: 'Apply for state education grants, manage awards and request payments, with the agencies that share this service.',
    agencies: 'Choose your state agency',
    openPortal: 'Go to the {{name}} portal',
    noAgencies: 'No agency has been set up on this service yet.',
  },
  portal: {
    title: '{{agency}}',
    lead: 'Find funding for your school district, apply, and follow your awards and payments.',
    findFunding: 'Find funding',
    findFundingText:
      'See the grant programs open for applications, their deadlines and who may apply.',
    yourWork: 'Your applications and awards',
    yourWorkText: 'Sign in to continue an application, accept an award or request a payment.',
    newHere: 'New to this portal?',
    newHereText: 'Create an account, then register your district or join your colleagues.',
  },
  signIn: {
    title: 'Sign in',
    lead: 'Sign in with the email address you use for grants.',
    email: 'Email address',
    password: 'Password',
    showPassword: 'Show password',
    submit: 'Sign in',
    forgot: 'Forgot your password?',
    noAccount: "Don't have an account?",
    invalid: 'The email address or password is not right. Check them and try again.',
    locked: 'Too many attempts. Wait {{count}} seconds, then try again.',
    locked_one: 'Too many attempts. Wait {{count}} second, then try again.',
    locked_other: 'Too many attempts. Wait {{count}} seconds, then try again.',
    emailRequired: 'Enter your email address',
    passwordRequired: 'Enter your password',
    signedOut: 'You have signed out.',
    expired: 'Your session ended. Sign in again to continue.',
  },
  account: {
    title: 'Your account',
    email: 'Email address',
  },
  errors: {
    notFoundTitle: 'Page not found',
    notFoundText:
      'If you typed the web address, check it is correct. If you followed a link, it may be out of date.',
    forbiddenTitle: 'You do not have access to this page',
    forbiddenText:
      'Your account does not have the role this page needs. Ask your organization or agency administrator.',
    formExpiredTitle: 'This form has expired',
    formExpiredText:
      'For your security, forms expire. Go back, reload the page, and send it again.',
    tooManyTitle: 'Too many requests',
    tooManyText: 'Wait a minute, then try again.',
    serverTitle: 'Sorry, something went wrong',
    serverText:
      'Try again later. If it keeps happening, contact the agency and quote the reference below.',
    goHome: 'Go to the home page',
  },
  accounts: accountsEn,
  sso: ssoEn,
  funding: fundingEn,
  organizations: organizationsEn,
  applications: applicationsEn,
  awards: awardsEn,
  home: homeEn,
  documents: documentsEn,
  security: securityEn,
  finance: financeEn,
  usage: usageEn,
} as const;

/** The shape every language's catalog has. */
export type Catalog = Widen<typeof en>;
