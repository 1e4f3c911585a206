import type { Widen } from '../i18n/widen';

/** Finance officers' pages: the English strings. */
export const financeEn = {
  queue: {
    title: 'Payment requests waiting for your approval',
    lead: 'Requests you may decide on: not your own, and not from an organization you are connected to.',
    caption: 'Payment requests waiting for your approval',
    none: 'Nothing is waiting for your approval.',
    reference: 'Reference',
    requestedOn: 'Requested',
    amount: 'Amount',
    approvals: 'Approvals',
    approvalsValue: '{{given}} of {{required}}',
  },
  request: {
    title: 'Payment request {{reference}}',
    status: 'Status',
    amount: 'Amount',
    period: 'Costs from {{start}} to {{end}}',
    description: 'Description',
    chain: 'Approval chain',
    chainValue: '{{given}} of {{required}} approvals given',
    approveTitle: 'Approve this request',
    approveText: 'Approve {{amount}} for payment in the next batch.',
    approveSecond:
      'Approve {{amount}}: a second approval is still needed from another finance officer.',
    approve: 'Approve {{amount}}',
    rejectTitle: 'Reject this request',
    reason: 'Reason for rejecting',
    reasonHint: 'The district sees this reason.',
    reasonRequired: 'Enter the reason for rejecting the request',
    reject: 'Reject the request',
    approved: 'You approved this request.',
    rejected: 'You rejected this request.',
    notYours: 'You cannot decide on this request (separation of duties), or it is no longer open.',
    back: 'Back to the requests waiting for you',
  },
};

export const financeEs: Widen<typeof financeEn> = {
  queue: {
    title: 'Solicitudes de pago que esperan su aprobación',
    lead: 'Solicitudes sobre las que usted puede decidir: no son suyas ni de una organización con la que tenga relación.',
    caption: 'Solicitudes de pago que esperan su aprobación',
    none: 'No hay nada esperando su aprobación.',
    reference: 'Referencia',
    requestedOn: 'Solicitada',
    amount: 'Monto',
    approvals: 'Aprobaciones',
    approvalsValue: '{{given}} de {{required}}',
  },
  request: {
    title: 'Solicitud de pago {{reference}}',
    status: 'Estado',
    amount: 'Monto',
    period: 'Costos del {{start}} al {{end}}',
    description: 'Descripción',
    chain: 'Cadena de aprobación',
    chainValue: '{{given}} de {{required}} aprobaciones dadas',
    approveTitle: 'Aprobar esta solicitud',
    approveText: 'Aprobar {{amount}} para pagarlo en el próximo lote.',
    approveSecond:
      'Aprobar {{amount}}: todavía se necesita una segunda aprobación de otro funcionario de finanzas.',
    approve: 'Aprobar {{amount}}',
    rejectTitle: 'Rechazar esta solicitud',
    reason: 'Motivo del rechazo',
    reasonHint: 'El distrito verá este motivo.',
    reasonRequired: 'Escriba el motivo del rechazo',
    reject: 'Rechazar la solicitud',
    approved: 'Usted aprobó esta solicitud.',
    rejected: 'Usted rechazó esta solicitud.',
    notYours:
      'Usted no puede decidir sobre esta solicitud (separación de funciones), o ya no está abierta.',
    back: 'Volver a las solicitudes que esperan su aprobación',
  },
};
