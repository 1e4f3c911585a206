import { dollars, NoticeContent, TemplateData, TemplateName } from './notification-templates';
import { datesIn } from './notice-dates';

type SpanishRenderers = { [T in TemplateName]?: (data: TemplateData[T]) => NoticeContent };

const DECISIONS = {
  approved: 'aprobada',
  denied: 'no financiada',
  waitlisted: 'puesta en lista de espera',
};

const BUDGET_REVISION = {
  applied: 'aplicada (dentro de la tolerancia)',
  pending: 'enviada al oficial del programa para su aprobación',
  approved: 'aprobada',
  rejected: 'rechazada',
};

const PAYEE_CHANGE: Record<string, { subject: string; text: string } | undefined> = {
  pending: {
    subject: 'cambio solicitado',
    text: 'Un oficial de finanzas pidió datos bancarios nuevos; un segundo oficial de finanzas debe activarlos antes de que un pago los use',
  },
  activated: {
    subject: 'cambio activado',
    text: 'Se activaron datos bancarios nuevos; los pagos aún no pagados se aprobarán de nuevo para ellos',
  },
  rejected: {
    subject: 'cambio rechazado',
    text: 'Se rechazó un cambio de datos bancarios solicitado',
  },
  cancelled: {
    subject: 'cambio cancelado',
    text: 'Se canceló un cambio de datos bancarios solicitado',
  },
};

const when = datesIn('es');
const days = (n: number) => (n === 1 ? '1 día' : `${n} días`);

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
  'application.submitted.applicant': (d) => ({
    subject: `Solicitud ${d.applicationRef} enviada: ${d.programTitle}`,
    paragraphs: [
      `${d.organizationName} envió la solicitud ${d.applicationRef} a ${d.programTitle} el ${when(d.submittedAt)}.`,
      'Le avisaremos cuando se haya revisado. Puede seguir su estado en Grant Commons.',
    ],
  }),
  'application.returned': (d) => ({
    subject: `Solicitud ${d.applicationRef} devuelta para revisión`,
    paragraphs: [
      `Su solicitud ${d.applicationRef} a ${d.programTitle} fue devuelta para revisión.`,
      `Motivo: ${d.reason}`,
      ...(d.resubmitBy ? [`Envíela de nuevo a más tardar el ${when(d.resubmitBy)}.`] : []),
    ],
  }),
  'decision.released': (d) => ({
    subject: `Decisión sobre la solicitud ${d.applicationRef}`,
    paragraphs: [
      `Se publicó la decisión sobre su solicitud ${d.applicationRef} a ${d.programTitle}: fue ${DECISIONS[d.decision]}.`,
      ...(d.amountApproved ? [`Monto aprobado: ${dollars(d.amountApproved)}.`] : []),
      ...(d.note ? [d.note] : []),
    ],
  }),
  'award.offered': (d) => ({
    subject: `Subvención ${d.awardRef} ofrecida: ${d.programTitle}`,
    paragraphs: [
      `Se le ofrece la subvención ${d.awardRef} de ${dollars(d.amount)} del programa ${d.programTitle}.`,
      d.acceptBy
        ? `Su representante autorizado debe aceptarla a más tardar el ${when(d.acceptBy)}.`
        : 'Su representante autorizado puede revisarla y aceptarla en Grant Commons.',
    ],
  }),
  'award.accepted': (d) => ({
    subject: `Subvención ${d.awardRef} aceptada`,
    paragraphs: [
      `${d.organizationName} aceptó la subvención ${d.awardRef} del programa ${d.programTitle}. La subvención está activa.`,
    ],
  }),
  'award.amended': (d) => ({
    subject: `Subvención ${d.awardRef} modificada (versión ${d.version})`,
    paragraphs: [
      `La subvención ${d.awardRef} del programa ${d.programTitle} fue modificada; su total ahora es ${dollars(d.amount)}.`,
      `Motivo: ${d.reason}`,
      'El aviso de subvención modificado está disponible en Grant Commons.',
    ],
  }),
  'budget.revision': (d) => ({
    subject: `Revisión del presupuesto de la subvención ${d.awardRef}: ${BUDGET_REVISION[d.status]}`,
    paragraphs: [
      `La revisión del presupuesto de la subvención ${d.awardRef} fue ${BUDGET_REVISION[d.status]}.`,
      ...(d.reason ? [`Motivo: ${d.reason}`] : []),
    ],
  }),
  'payment.submitted': (d) => ({
    subject: `Solicitud de pago ${d.requestRef} enviada`,
    paragraphs: [
      `Se envió la solicitud de pago ${d.requestRef} de ${dollars(d.amount)} de la subvención ${d.awardRef}.`,
      `Necesita la aprobación de ${d.approvalsRequired === 1 ? 'un oficial de finanzas' : `${d.approvalsRequired} oficiales de finanzas distintos`}.`,
    ],
  }),
  'payment.approved': (d) => ({
    subject: `Solicitud de pago ${d.requestRef} aprobada`,
    paragraphs: [
      `Se aprobó la solicitud de pago ${d.requestRef} de ${dollars(d.amount)} de la subvención ${d.awardRef}.`,
      'Se pagará en el próximo lote de pagos.',
    ],
  }),
  'payment.rejected': (d) => ({
    subject: `Solicitud de pago ${d.requestRef} rechazada`,
    paragraphs: [
      `Se rechazó la solicitud de pago ${d.requestRef} de ${dollars(d.amount)} de la subvención ${d.awardRef}.`,
      `Motivo: ${d.reason}`,
    ],
  }),
  'payment.paid': (d) => ({
    subject: `Solicitud de pago ${d.requestRef} pagada`,
    paragraphs: [
      `La solicitud de pago ${d.requestRef} de ${dollars(d.amount)} de la subvención ${d.awardRef} se pagó el ${when(d.paidOn)}.`,
    ],
  }),
  'closeout.submitted': (d) => ({
    subject: `Informe final de gastos de la subvención ${d.awardRef}`,
    paragraphs: [
      `El informe final de gastos de la subvención ${d.awardRef} del programa ${d.programTitle} declara ${dollars(d.expenditures)} de costos.`,
      'Está listo para la revisión de cierre.',
    ],
  }),
  'award.closed': (d) => ({
    subject: `Subvención ${d.awardRef} cerrada`,
    paragraphs: [
      `La subvención ${d.awardRef} del programa ${d.programTitle} está cerrada.`,
      `Saldo no gastado: ${dollars(d.unspent)}. Traspasado al año siguiente: ${dollars(d.carryover)}. Reembolso debido: ${dollars(d.refundDue)}.`,
    ],
  }),
  'payee.change': (d) => ({
    subject: `Datos bancarios de ${d.organizationName}: ${PAYEE_CHANGE[d.status]?.subject ?? d.status}`,
    paragraphs: [
      `${PAYEE_CHANGE[d.status]?.text ?? d.status}: beneficiario ${d.payeeName}, cuenta ${d.accountNumber}.`,
      'Si no lo esperaba, comuníquese con la agencia de inmediato: un cambio de datos bancarios es como empieza el fraude en los pagos.',
    ],
  }),
  'membership.invited': (d) => ({
    subject: 'Le invitaron a unirse a un equipo en Grant Commons',
    paragraphs: [
      d.organizationName
        ? `Le invitaron a trabajar en solicitudes de subvenciones de ${d.organizationName}.`
        : 'Le invitaron a unirse al personal de subvenciones de la agencia.',
      'Nada cambia hasta que acepte: inicie sesión y abra sus invitaciones para aceptar o rechazar.',
      'Si no esperaba esta invitación, recházela o ignore este correo.',
    ],
  }),
  'webhook.endpoint_disabled': (d) => ({
    subject: 'Se desactivó un webhook tras fallos repetidos',
    paragraphs: [
      `El webhook ${d.url} falló ${d.failures} veces seguidas y se desactivó: los sistemas de su agencia ya no reciben eventos allí.`,
      `Último error: ${d.lastError}`,
      'Corrija el receptor, vuelva a activar el webhook y reenvíe desde su registro de entregas las que no recibió.',
    ],
  }),
  'deadline.reminder': (d) => ({
    subject: `${d.daysLeft === 1 ? 'Queda' : 'Quedan'} ${days(d.daysLeft)} para solicitar: ${d.programTitle}`,
    paragraphs: [
      `El plazo de solicitud de ${d.programTitle} cierra el ${when(d.closesAt)}.`,
      'Las solicitudes no enviadas para entonces no se pueden aceptar.',
    ],
  }),
  'document.expiring': (d) => ({
    subject: `${d.documentTitle} vence en ${days(d.daysLeft)}`,
    paragraphs: [
      `El documento "${d.documentTitle}" de ${d.organizationName} vence el ${when(d.expiresOn)}.`,
      'Suba la versión vigente a la biblioteca de documentos para que las solicitudes que lo necesitan no se detengan.',
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
