import { Organization } from './entities/organization.entity';

export function organizationView(o: Organization) {
  return {
    id: o.id,
    legalName: o.legalName,
    type: o.type,
    status: o.status,
    stateDistrictCode: o.stateDistrictCode,
    ncesLeaId: o.ncesLeaId,
    uei: o.uei,
    address: o.address,
    contacts: o.contacts,
    registeredBy: o.registeredBy,
    decidedAt: o.decidedAt?.toISOString() ?? null,
    decisionReason: o.decisionReason,
    version: o.version,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
  };
}
export type OrganizationView = ReturnType<typeof organizationView>;
