import { accountsEs } from '../accounts/messages';
import { ssoEs } from '../accounts/sso-messages';
import { applicationsEs } from '../applications/messages';
import { awardsEs } from '../awards/messages';
import { documentsEs } from '../documents/messages';
import { fundingEs } from '../funding/messages';
import { homeEs } from '../home/messages';
import { usageEs } from '../usage/messages';
import { organizationsEs } from '../organizations/messages';
import { securityEs } from '../security/messages';
import { financeEs } from '../finance/messages';
import type { Catalog } from './en';

/** El catálogo en español: las mismas claves que en.ts (el tipo lo exige). */
export const es: Catalog = {
  common: {
    skipToContent: 'Saltar al contenido principal',
    appName: 'Grant Commons',
    officialSite: 'Un sitio web oficial del Estado de {{jurisdiction}}',
    officialSiteShared:
      'Un servicio compartido de subvenciones de las agencias estatales de educación',
    howYouKnow: 'Así es como usted puede verificarlo',
    bannerDotGov:
      'Los sitios web oficiales usan un dominio del gobierno estatal. El sitio web de una agencia estatal pertenece a una organización oficial del gobierno.',
    bannerHttps:
      'Los sitios web seguros usan HTTPS. Un candado o https:// significa que usted se conectó de forma segura a este sitio. Comparta información sensible solo en sitios web oficiales y seguros.',
    menu: 'Menú',
    close: 'Cerrar',
    primaryNavigation: 'Navegación principal',
    home: 'Inicio',
    yourGrants: 'Sus subvenciones',
    signIn: 'Iniciar sesión',
    signOut: 'Cerrar sesión',
    createAccount: 'Crear una cuenta',
    signedInAs: 'Sesión iniciada como {{name}}',
    language: 'Idioma',
    switchTo: 'English',
    switchToLabel: 'View this page in English',
    contact: 'Contacto',
    contactUs: '¿Preguntas? Escriba a {{email}}',
    footerShared: 'Grant Commons es software de código abierto operado como servicio compartido.',
    errorPrefix: 'Error: {{title}}',
    thereIsAProblem: 'Hay un problema',
    continue: 'Continuar',
    back: 'Volver',
    requestId: 'Referencia: {{requestId}}',
  },
  root: {
    title: 'Grant Commons',
    lead: 'Solicite subvenciones estatales de educación, administre sus adjudicaciones y pida pagos, con las agencias que comparten este servicio.',
    agencies: 'Elija su agencia estatal',
    openPortal: 'Ir al portal de {{name}}',
    noAgencies: 'Todavía no hay ninguna agencia en este servicio.',
  },
  portal: {
    title: '{{agency}}',
    lead: 'Encuentre fondos para su distrito escolar, presente su solicitud y siga sus adjudicaciones y pagos.',
    findFunding: 'Buscar fondos',
    findFundingText:
      'Vea los programas de subvenciones abiertos, sus fechas límite y quién puede solicitarlos.',
    yourWork: 'Sus solicitudes y adjudicaciones',
    yourWorkText:
      'Inicie sesión para continuar una solicitud, aceptar una adjudicación o pedir un pago.',
    newHere: '¿Es nuevo en este portal?',
    newHereText: 'Cree una cuenta y luego registre su distrito o únase a sus colegas.',
  },
  signIn: {
    title: 'Iniciar sesión',
    lead: 'Inicie sesión con el correo electrónico que usa para las subvenciones.',
    email: 'Correo electrónico',
    password: 'Contraseña',
    showPassword: 'Mostrar contraseña',
    submit: 'Iniciar sesión',
    forgot: '¿Olvidó su contraseña?',
    noAccount: '¿No tiene una cuenta?',
    invalid:
      'El correo electrónico o la contraseña no son correctos. Revíselos e intente de nuevo.',
    locked: 'Demasiados intentos. Espere {{count}} segundos e intente de nuevo.',
    locked_one: 'Demasiados intentos. Espere {{count}} segundo e intente de nuevo.',
    locked_other: 'Demasiados intentos. Espere {{count}} segundos e intente de nuevo.',
    emailRequired: 'Escriba su correo electrónico',
    passwordRequired: 'Escriba su contraseña',
    signedOut: 'Cerró la sesión.',
    expired: 'Su sesión terminó. Inicie sesión de nuevo para continuar.',
  },
  account: {
    title: 'Su cuenta',
    email: 'Correo electrónico',
  },
  errors: {
    notFoundTitle: 'No se encontró la página',
    notFoundText:
      'Si escribió la dirección, revise que sea correcta. Si siguió un enlace, puede estar desactualizado.',
    forbiddenTitle: 'No tiene acceso a esta página',
    forbiddenText:
      'Su cuenta no tiene el rol que esta página requiere. Consulte al administrador de su organización o agencia.',
    formExpiredTitle: 'Este formulario venció',
    formExpiredText:
      'Por su seguridad, los formularios vencen. Vuelva atrás, recargue la página y envíelo de nuevo.',
    tooManyTitle: 'Demasiadas solicitudes',
    tooManyText: 'Espere un minuto e intente de nuevo.',
    serverTitle: 'Lo sentimos, algo salió mal',
    serverText:
      'Intente más tarde. Si sigue ocurriendo, comuníquese con la agencia e indique la referencia de abajo.',
    goHome: 'Ir a la página de inicio',
  },
  accounts: accountsEs,
  sso: ssoEs,
  funding: fundingEs,
  organizations: organizationsEs,
  applications: applicationsEs,
  awards: awardsEs,
  home: homeEs,
  documents: documentsEs,
  security: securityEs,
  finance: financeEs,
  usage: usageEs,
};
