import { Application } from './entities/application.entity';

/** The working copy as the API shows it (answers included). */
export function applicationView(a: Application) {
  return {
    id: a.id,
    programId: a.programId,
    organizationId: a.organizationId,
    status: a.status,
    formVersion: a.formVersion,
    projectTitle: a.projectTitle,
    amountRequested: a.amountRequested,
    answers: a.answers,
    version: a.version,
    submissionCount: a.submissionCount,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
    submittedAt: a.submittedAt?.toISOString() ?? null,
    returnedAt: a.returnedAt?.toISOString() ?? null,
    returnComment: a.returnComment,
    revisionDueAt: a.revisionDueAt?.toISOString() ?? null,
    withdrawnAt: a.withdrawnAt?.toISOString() ?? null,
  };
}
export type ApplicationView = ReturnType<typeof applicationView>;

/** A row of a list: no answers. */
export function applicationSummary(a: Application, organizationName?: string) {
  const { answers: _answers, ...rest } = applicationView(a);
  return organizationName === undefined ? rest : { ...rest, organizationName };
}
