import { Application } from './entities/application.entity';

/** A row of a list: the working copy without its answers (lists are the busiest reads). */
export function applicationSummary(a: Omit<Application, 'answers'>, organizationName?: string) {
  const summary = {
    id: a.id,
    programId: a.programId,
    organizationId: a.organizationId,
    status: a.status,
    formVersion: a.formVersion,
    projectTitle: a.projectTitle,
    amountRequested: a.amountRequested,
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
  return organizationName === undefined ? summary : { ...summary, organizationName };
}

/** The working copy as the API shows it: the summary and the answers. */
export function applicationView(a: Application) {
  return { ...applicationSummary(a), answers: a.answers };
}
export type ApplicationView = ReturnType<typeof applicationView>;
