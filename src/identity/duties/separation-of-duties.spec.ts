import { dutyConflict, DutyFacts } from './separation-of-duties';

describe('dutyConflict', () => {
  const clear: DutyFacts = {
    deciderId: 'officer',
    requesterId: 'writer',
    deciderIsOrganizationMember: false,
    deciderInvitedRequester: false,
  };

  it('lets an unrelated person decide', () => {
    expect(dutyConflict(clear)).toBeNull();
  });

  it('refuses the requester, a member of the organization and the inviter', () => {
    expect(dutyConflict({ ...clear, deciderId: 'writer' })).toBe('requester');
    expect(dutyConflict({ ...clear, deciderIsOrganizationMember: true })).toBe(
      'organization_member',
    );
    expect(dutyConflict({ ...clear, deciderInvitedRequester: true })).toBe('inviter');
    expect(dutyConflict({ ...clear, deciderChangedPayee: true })).toBe('payee_changer');
  });

  it('names the plainest reason first', () => {
    const all = { deciderIsOrganizationMember: true, deciderInvitedRequester: true };
    expect(dutyConflict({ ...clear, ...all, deciderId: 'writer' })).toBe('requester');
    expect(dutyConflict({ ...clear, ...all })).toBe('organization_member');
  });
});
