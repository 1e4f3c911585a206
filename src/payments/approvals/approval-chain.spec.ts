import {
  ApprovalRecord,
  approvalChain,
  approvalContentHash,
  checkApprover,
  requiredApprovals,
  statusAfterApprovals,
} from './approval-chain';

const request = {
  id: 'r1',
  awardId: 'a1',
  type: 'reimbursement',
  amount: '30000.00',
  periodStart: '2026-07-01',
  periodEnd: '2026-07-31',
  payeeId: 'p1' as string | null,
  payeeVersion: 1 as number | null,
};
const lines = [
  { functionCode: '2200', objectCode: '300', amount: '10000.00' },
  { functionCode: '1000', objectCode: '100', amount: '20000.00' },
];

const approval = (approverId: string, contentHash: string): ApprovalRecord => ({
  approverId,
  approverEmail: `${approverId}@agency.example`,
  decision: 'approved',
  amount: '30000.00',
  contentHash,
  reason: null,
  decidedAt: new Date('2026-08-01T12:00:00Z'),
});

describe('approval chain', () => {
  const hash = approvalContentHash(request, lines);

  it('hashes the content independent of line order, and any change changes it', () => {
    expect(approvalContentHash(request, [...lines].reverse())).toBe(hash);
    expect(approvalContentHash({ ...request, amount: '29999.99' }, lines)).not.toBe(hash);
    expect(approvalContentHash(request, [{ ...lines[0], amount: '9999.99' }, lines[1]])).not.toBe(
      hash,
    );
  });

  it('binds the payee: another payee, a new version of it, or none, is other content', () => {
    expect(approvalContentHash({ ...request, payeeVersion: 2 }, lines)).not.toBe(hash);
    expect(approvalContentHash({ ...request, payeeId: 'p2' }, lines)).not.toBe(hash);
    expect(approvalContentHash({ ...request, payeeId: null, payeeVersion: null }, lines)).not.toBe(
      hash,
    );
  });

  it('hashes exactly what approvals already stored were bound to (the shape must not drift)', () => {
    // Values computed by the two-file assembly this function replaced; a drift would lapse
    // every approval given before it.
    expect(hash).toBe('ef53c70c5a19d0f3ab9726f9efe3d40cff4e5212ee9a2e05ed9dc50fe5ede83d');
    expect(approvalContentHash({ ...request, payeeId: null, payeeVersion: null }, [lines[0]])).toBe(
      'd7a9f6de71f9c955be029d852af02276173a5742587290ccb07ab8506a6e1034',
    );
  });

  it('ignores fields of a line other than its code and amount', () => {
    const stored = lines.map((l) => ({ ...l, id: 'x', amountRequested: '1.00' }));
    expect(approvalContentHash({ ...request, reference: 'PR-1' } as typeof request, stored)).toBe(
      hash,
    );
  });

  it('needs a second approver at or above the threshold', () => {
    expect(requiredApprovals('24999.99', '25000.00')).toBe(1);
    expect(requiredApprovals('25000.00', '25000.00')).toBe(2);
  });

  it('refuses the requester and a second approval of the same content by one person', () => {
    expect(checkApprover('u1', 'u1', [], hash)).toBe('own_request');
    expect(checkApprover('f1', 'u1', [approval('f1', hash)], hash)).toBe('already_approved');
    expect(checkApprover('f1', 'u1', [approval('f1', 'older')], hash)).toBe('ok');
  });

  it('shows who approved and who must still approve; stale approvals do not count', () => {
    const chain = approvalChain({
      requestedBy: 'u1',
      required: 2,
      contentHash: hash,
      approvals: [approval('f0', 'older'), approval('f1', hash)],
      open: true,
      alsoExcluded: ['member1', 'inviter1', 'u1'],
    });
    expect(chain.satisfied).toBe(false);
    expect(chain.approvals.map((a) => [a.approverId, a.counts])).toEqual([
      ['f0', false],
      ['f1', true],
    ]);
    expect(chain.pending).toEqual([
      {
        step: 2,
        role: 'finance_officer',
        excludedUserIds: ['u1', 'f1', 'member1', 'inviter1'],
        description:
          'A finance officer other than the requester, the requesting organization’s members, whoever invited the requester, whoever requested the payee’s bank details and the first approver',
      },
    ]);
  });

  it('gives a request with one of two approvals its own status', () => {
    expect(statusAfterApprovals(0, 1)).toBe('submitted');
    expect(statusAfterApprovals(1, 1)).toBe('approved');
    expect(statusAfterApprovals(0, 2)).toBe('submitted');
    expect(statusAfterApprovals(1, 2)).toBe('awaiting_second_approval');
    expect(statusAfterApprovals(2, 2)).toBe('approved');
  });
});
