import { fromQueuedPayload } from './email-notification.job';

describe('email job payload: one shape, older queued shapes converted at the entry', () => {
  const notice = {
    template: 'award.offered' as const,
    data: { programTitle: 'Title I-A', awardRef: 'AW-1', amount: '1.00' },
    dedupeKey: 'k',
  };

  it('passes the one shape through unchanged', () => {
    const job = { agencyId: 'a', notices: [{ ...notice, recipients: [{ userId: 'u' }] }] };
    expect(fromQueuedPayload(job)).toEqual(job);
  });

  it('reads a notice queued at the top level, with recipients or a single `to`', () => {
    expect(fromQueuedPayload({ agencyId: 'a', ...notice, recipients: [{ userId: 'u' }] })).toEqual({
      agencyId: 'a',
      notices: [{ ...notice, recipients: [{ userId: 'u' }] }],
    });
    expect(fromQueuedPayload({ agencyId: 'a', ...notice, to: { email: 'x@y.example' } })).toEqual({
      agencyId: 'a',
      notices: [{ ...notice, recipients: [{ email: 'x@y.example' }] }],
    });
  });

  it('reads `to` inside a list of notices, and a notice with nobody to send to as empty', () => {
    expect(
      fromQueuedPayload({
        agencyId: 'a',
        notices: [{ ...notice, to: { userId: 'u' } }, { ...notice }],
      }),
    ).toEqual({
      agencyId: 'a',
      notices: [
        { ...notice, recipients: [{ userId: 'u' }] },
        { ...notice, recipients: [] },
      ],
    });
  });
});
