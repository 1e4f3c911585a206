import type { PaymentRequests } from '../../payments/requests/payment-requests.service';
import { Alert } from '../render/components';
import type { PageContext } from '../render/page-context';
import { BackLink, day, Facts, lineName, PaymentStatus } from './award-parts';

type RequestView = Awaited<ReturnType<PaymentRequests['get']>>;

export interface PaymentRequestPageView {
  awardUrl: string;
  awardReference: string;
  request: RequestView;
  sent: boolean;
}

/** Who approved, whose approval no longer counts, and what is still needed (the payments module's chain). */
function ApprovalChain({ ctx, request }: { ctx: PageContext; request: RequestView }) {
  const chain = request.approvalChain;
  return (
    <>
      <h2>{ctx.t('awards.payment.chain')}</h2>
      <p>{ctx.t('awards.payment.chainLead', { count: chain.required })}</p>
      <ol class="usa-process-list">
        {chain.approvals.map((a) => (
          <li class="usa-process-list__item" key={`${a.approverId}-${a.decidedAt}`}>
            <p class="usa-process-list__heading font-sans-md">
              {ctx.t(
                a.decision === 'approved'
                  ? 'awards.payment.approvedBy'
                  : 'awards.payment.rejectedBy',
                {
                  who: a.approverEmail ?? '—',
                  date: ctx.formats.dateTime(new Date(a.decidedAt)),
                },
              )}
            </p>
            <p>{ctx.formats.money(a.amount)}</p>
            {a.reason && <p>{a.reason}</p>}
            {a.decision === 'approved' && !a.counts && (
              <p class="text-italic">{ctx.t('awards.payment.lapsed')}</p>
            )}
          </li>
        ))}
        {chain.pending.map((p) => (
          <li class="usa-process-list__item" key={`step-${p.step}`}>
            <p class="usa-process-list__heading font-sans-md">
              {ctx.t('awards.payment.stillNeeded', { step: p.step })}
            </p>
            <p>{ctx.t('awards.payment.stillNeededWho')}</p>
          </li>
        ))}
      </ol>
      {chain.satisfied && <p>{ctx.t('awards.payment.complete')}</p>}
    </>
  );
}

export function PaymentRequestPage({
  ctx,
  view,
}: {
  ctx: PageContext;
  view: PaymentRequestPageView;
}) {
  const r = view.request;
  return (
    <>
      {view.sent && <Alert kind="success">{ctx.t('awards.payment.sent')}</Alert>}
      <BackLink href={view.awardUrl}>{ctx.t('awards.payment.backToAward')}</BackLink>
      <span class="usa-hint">
        {ctx.t('awards.award.title', { reference: view.awardReference })}
      </span>
      <h1 class="margin-top-1">
        {ctx.t('awards.payment.detailTitle', { reference: r.reference })}
      </h1>
      <p>
        <PaymentStatus ctx={ctx} status={r.status} />
      </p>
      <Facts
        rows={[
          [ctx.t('awards.payment.type'), ctx.t(`awards.paymentType.${r.type}`)],
          [
            ctx.t('awards.award.period2'),
            ctx.t('awards.award.periodValue', {
              start: day(ctx, r.period.start),
              end: day(ctx, r.period.end),
            }),
          ],
          [ctx.t('awards.award.requestedOn'), ctx.formats.dateTime(new Date(r.requestedAt))],
          [ctx.t('awards.award.amountCol'), ctx.formats.money(r.amount)],
          ...(r.description
            ? ([[ctx.t('awards.payment.description'), r.description]] as Array<[string, string]>)
            : []),
        ]}
      />
      {r.rejectionReason && (
        <Alert kind="error">
          {ctx.t('awards.payment.rejectedReason', { reason: r.rejectionReason })}
        </Alert>
      )}
      {r.reductionReason && (
        <Alert kind="info">
          {ctx.t('awards.payment.reducedReason', { reason: r.reductionReason })}
        </Alert>
      )}
      {r.paidOn && <p>{ctx.t('awards.payment.paidOn', { date: day(ctx, r.paidOn) })}</p>}
      <table class="usa-table usa-table--borderless">
        <caption>{ctx.t('awards.payment.lines')}</caption>
        <thead>
          <tr>
            <th scope="col">{ctx.t('awards.award.line')}</th>
            <th scope="col">{ctx.t('awards.payment.amountRequestedCol')}</th>
            <th scope="col">{ctx.t('awards.payment.amountApprovedCol')}</th>
          </tr>
        </thead>
        <tbody>
          {r.lines.map((l) => (
            <tr key={lineName(l)}>
              <th scope="row">{lineName(l)}</th>
              <td class="text-tabular">{ctx.formats.money(l.amountRequested)}</td>
              <td class="text-tabular">{ctx.formats.money(l.amount)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <ApprovalChain ctx={ctx} request={r} />
    </>
  );
}
