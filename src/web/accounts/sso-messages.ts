import type { Widen } from '../i18n/widen';

/** Single sign-on through an agency's identity providers: the English strings. */
export const ssoEn = {
  signInWith: 'Sign in with {{name}}',
  or: 'Or sign in with your email address and password',
  providersHeading: 'Sign in with your organization',
  refusedTitle: 'You could not be signed in',
  tryAgain: 'Back to sign in',
  refused: {
    email_missing:
      '{{provider}} did not share your email address with us. Allow it there, then try again.',
    email_unverified:
      '{{provider}} has not confirmed your email address yet. Confirm it with {{provider}}, then try again.',
    domain_not_allowed:
      'This way of signing in is only for email addresses of the agency’s own domains. Use another way to sign in.',
    staff_not_invited:
      'Only staff this agency has invited can sign in with {{provider}}. Ask your agency administrator to invite you, then try again.',
    staff_use_staff_sign_in:
      'You are staff of this agency. Sign in with the agency’s staff sign-in or your password instead.',
    platform_admin: 'Platform administrators sign in with their email address and password.',
    state_unknown:
      'This sign-in link was already used or is not ours. Start again from the sign-in page.',
    state_expired: 'The sign-in took too long and has expired. Start again from the sign-in page.',
    state_other_browser:
      'The sign-in was started in another browser or window. Start again from the sign-in page.',
    state_other_provider: 'The sign-in did not come back from the same service. Start again.',
    provider_error: '{{provider}} did not complete the sign-in. Start again from the sign-in page.',
    id_token_invalid:
      'We could not check the answer from {{provider}}, so you were not signed in. Start again, and tell the agency if it happens again.',
  },
  linked: {
    heading: 'Ways you sign in',
    lead: 'These services are linked to your account: you can sign in through them.',
    none: 'No other service is linked to your account.',
    service: 'Service',
    agency: 'Agency',
    email: 'Email address there',
    lastUsed: 'Last used',
    unlink: 'Unlink',
    unlinkLabel: 'Unlink {{name}}',
    unlinked: '{{name}} is no longer linked to your account.',
    lastWayIn:
      'You cannot unlink your only way to sign in. Set a password or link another service first.',
  },
} as const;

/** Las mismas claves en español (el tipo lo exige). */
export const ssoEs: Widen<typeof ssoEn> = {
  signInWith: 'Iniciar sesión con {{name}}',
  or: 'O inicie sesión con su correo electrónico y contraseña',
  providersHeading: 'Iniciar sesión con su organización',
  refusedTitle: 'No pudimos iniciar su sesión',
  tryAgain: 'Volver a iniciar sesión',
  refused: {
    email_missing:
      '{{provider}} no nos compartió su correo electrónico. Permítalo allí y vuelva a intentarlo.',
    email_unverified:
      '{{provider}} todavía no ha confirmado su correo electrónico. Confírmelo con {{provider}} y vuelva a intentarlo.',
    domain_not_allowed:
      'Esta forma de iniciar sesión es solo para correos de los dominios de la agencia. Use otra forma de iniciar sesión.',
    staff_not_invited:
      'Solo el personal que esta agencia ha invitado puede iniciar sesión con {{provider}}. Pida a la administración de su agencia que le invite y vuelva a intentarlo.',
    staff_use_staff_sign_in:
      'Usted forma parte del personal de esta agencia. Inicie sesión con el acceso del personal de la agencia o con su contraseña.',
    platform_admin:
      'Las personas que administran la plataforma inician sesión con su correo electrónico y contraseña.',
    state_unknown:
      'Este enlace de inicio de sesión ya se usó o no es nuestro. Empiece de nuevo desde la página de inicio de sesión.',
    state_expired:
      'El inicio de sesión tardó demasiado y venció. Empiece de nuevo desde la página de inicio de sesión.',
    state_other_browser:
      'El inicio de sesión empezó en otro navegador o ventana. Empiece de nuevo desde la página de inicio de sesión.',
    state_other_provider: 'El inicio de sesión no volvió del mismo servicio. Empiece de nuevo.',
    provider_error:
      '{{provider}} no completó el inicio de sesión. Empiece de nuevo desde la página de inicio de sesión.',
    id_token_invalid:
      'No pudimos comprobar la respuesta de {{provider}}, así que no inició sesión. Empiece de nuevo y avise a la agencia si vuelve a pasar.',
  },
  linked: {
    heading: 'Formas de iniciar sesión',
    lead: 'Estos servicios están vinculados a su cuenta: puede iniciar sesión con ellos.',
    none: 'Ningún otro servicio está vinculado a su cuenta.',
    service: 'Servicio',
    agency: 'Agencia',
    email: 'Correo electrónico allí',
    lastUsed: 'Último uso',
    unlink: 'Desvincular',
    unlinkLabel: 'Desvincular {{name}}',
    unlinked: '{{name}} ya no está vinculado a su cuenta.',
    lastWayIn:
      'No puede desvincular su única forma de iniciar sesión. Establezca una contraseña o vincule otro servicio primero.',
  },
};
