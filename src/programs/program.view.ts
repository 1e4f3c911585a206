import { formatInZone } from '../core/clock/zoned-time';
import { Program } from './entities/program.entity';

/** What the API shows of a program. Money as decimal strings; the window in UTC and local time. */
export function programView(p: Program, timeZone: string, agencyGraceMinutes: number) {
  const grace = p.graceMinutes ?? agencyGraceMinutes;
  return {
    id: p.id,
    code: p.code,
    title: p.title,
    description: p.description,
    kind: p.kind,
    status: p.status,
    fundingSource: p.fundingSource,
    assistanceListingNumber: p.assistanceListingNumber,
    assistanceListingTitle: p.assistanceListingTitle,
    fain: p.fain,
    fiscalYear: p.fiscalYear,
    fundsAvailable: p.fundsAvailable,
    awardFloor: p.awardFloor,
    awardCeiling: p.awardCeiling,
    performanceStart: p.performanceStart,
    performanceEnd: p.performanceEnd,
    timeZone,
    opensAt: p.opensAt?.toISOString() ?? null,
    closesAt: p.closesAt?.toISOString() ?? null,
    opensAtLocal: p.opensAt ? formatInZone(p.opensAt, timeZone) : null,
    closesAtLocal: p.closesAt ? formatInZone(p.closesAt, timeZone) : null,
    graceMinutes: p.graceMinutes,
    effectiveGraceMinutes: grace,
    /** The last instant a submission is accepted: closesAt plus grace. */
    acceptsSubmissionsUntil: p.closesAt
      ? new Date(p.closesAt.getTime() + grace * 60_000).toISOString()
      : null,
    eligibility: p.eligibility,
    form: p.form,
    formVersion: p.currentFormVersion,
    requiredAttachments: p.requiredAttachments,
    budgetRules: p.budgetRules,
    rubric: p.rubric,
    allowMultipleApplications: p.allowMultipleApplications,
    shareable: p.shareable,
    clonedFromTemplateId: p.clonedFromTemplateId,
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
    publishedAt: p.publishedAt?.toISOString() ?? null,
    closedAt: p.closedAt?.toISOString() ?? null,
    archivedAt: p.archivedAt?.toISOString() ?? null,
  };
}
export type ProgramView = ReturnType<typeof programView>;

/** The public (no login) view of a published program: no internal bookkeeping. */
export function publicProgramView(p: Program, timeZone: string, agencyGraceMinutes: number) {
  const v = programView(p, timeZone, agencyGraceMinutes);
  return {
    id: v.id,
    code: v.code,
    title: v.title,
    description: v.description,
    kind: v.kind,
    status: v.status,
    fundingSource: v.fundingSource,
    assistanceListingNumber: v.assistanceListingNumber,
    assistanceListingTitle: v.assistanceListingTitle,
    fiscalYear: v.fiscalYear,
    fundsAvailable: v.fundsAvailable,
    awardFloor: v.awardFloor,
    awardCeiling: v.awardCeiling,
    performanceStart: v.performanceStart,
    performanceEnd: v.performanceEnd,
    timeZone: v.timeZone,
    opensAt: v.opensAt,
    closesAt: v.closesAt,
    opensAtLocal: v.opensAtLocal,
    closesAtLocal: v.closesAtLocal,
    acceptsSubmissionsUntil: v.acceptsSubmissionsUntil,
    eligibility: v.eligibility,
    requiredAttachments: v.requiredAttachments,
    allowMultipleApplications: v.allowMultipleApplications,
    formVersion: v.formVersion,
  };
}
