import type { NoticeContent, TemplateData, TemplateName } from './notification-templates';

type SpanishRenderers = { [T in TemplateName]?: (data: TemplateData[T]) => NoticeContent };

/**
 * Notices in Spanish, for recipients whose saved language is Spanish. A notice without a Spanish
 * version here goes out in English (renderNotice falls back), so adding one is one entry.
 */
export const TEMPLATES_ES: SpanishRenderers = {
  'account.verify_email': (d) => ({
    subject: 'Confirme su correo electrónico para Grant Commons',
    paragraphs: [
      'Gracias por crear una cuenta. Para terminar, confirme que este correo electrónico es suyo abriendo el enlace de abajo.',
      `El enlace funciona una sola vez, durante ${d.validHours} horas. Después inicie sesión con la contraseña que eligió.`,
      'Si usted no creó una cuenta, puede ignorar este correo: nada sucede sin el enlace.',
    ],
  }),
  'account.reset_password': (d) => ({
    subject: 'Restablezca su contraseña de Grant Commons',
    paragraphs: [
      'Alguien pidió restablecer la contraseña de su cuenta de Grant Commons. Para elegir una contraseña nueva, abra el enlace de abajo.',
      `El enlace funciona una sola vez, durante ${d.validMinutes} minutos. Elegir una contraseña nueva cierra su sesión en todos los demás lugares.`,
      'Si usted no lo pidió, puede ignorar este correo: su contraseña no cambia.',
    ],
  }),
  'account.sign_up_existing': () => ({
    subject: 'Alguien intentó crear una cuenta con su correo electrónico',
    paragraphs: [
      'Alguien intentó crear una cuenta de Grant Commons con este correo electrónico, que ya tiene una. No se creó ninguna cuenta nueva.',
      'Si fue usted, inicie sesión con su contraseña; si la olvidó, abra el enlace de abajo para restablecerla.',
      'Si no fue usted, puede ignorar este correo.',
    ],
  }),
  invitation: (d) => ({
    subject: 'Su invitación a Grant Commons',
    paragraphs: [
      d.organizationName
        ? `Le invitaron a trabajar en solicitudes de subvenciones de ${d.organizationName} en Grant Commons.`
        : 'Le invitaron a unirse al personal de subvenciones de la agencia en Grant Commons.',
      `Para empezar, abra el enlace de abajo y elija una contraseña. El enlace funciona una sola vez, durante ${d.validDays} días; si venció, pida a quien le invitó que le invite de nuevo.`,
      'Si no esperaba esta invitación, puede ignorar este correo.',
    ],
  }),
};
