import { Injectable } from '@nestjs/common';
import { RequestContext } from '../core/context/request-context';
import { TenantDb } from '../core/context/tenant-db';
import { etagOf, IfMatch, ifMatchHolds } from '../core/idempotency/etag';
import { Application, ApplicationStatus } from './entities/application.entity';
import { StatusEvent } from './entities/status-event.entity';
import {
  ApplicationNotEditableError,
  ApplicationNotFoundError,
  ApplicationPreconditionRequiredError,
  ApplicationStaleError,
} from './applications.errors';

/** Where an application is reached from: its organization (applicants) or its program (staff). */
export type ApplicationScope = { organizationId: string } | { programId: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const EDITABLE: ApplicationStatus[] = ['draft', 'returned'];

/**
 * Loading applications within the path's scope (an application of another organization is
 * "not found", never "forbidden"), locking, the ETag check and the status history.
 */
@Injectable()
export class ApplicationRecords {
  constructor(
    private readonly db: TenantDb,
    private readonly context: RequestContext,
  ) {}

  async find(scope: ApplicationScope, applicationId: string, lock = false): Promise<Application> {
    if (!UUID.test(applicationId)) throw new ApplicationNotFoundError();
    const qb = this.db
      .repo(Application)
      .createQueryBuilder('a')
      .where('a.agency_id = :agencyId AND a.id = :applicationId', {
        agencyId: this.db.agencyId,
        applicationId,
      });
    if ('organizationId' in scope) {
      if (!UUID.test(scope.organizationId)) throw new ApplicationNotFoundError();
      qb.andWhere('a.organization_id = :organizationId', { organizationId: scope.organizationId });
    } else {
      if (!UUID.test(scope.programId)) throw new ApplicationNotFoundError();
      qb.andWhere('a.program_id = :programId', { programId: scope.programId });
    }
    if (lock) qb.setLock('pessimistic_write');
    const application = await qb.getOne();
    if (!application) throw new ApplicationNotFoundError();
    return application;
  }

  /** Locks the working copy for an edit: it must be editable and If-Match must hold. */
  async forEdit(
    scope: ApplicationScope,
    applicationId: string,
    ifMatch: IfMatch,
  ): Promise<Application> {
    if (ifMatch.kind === 'missing') throw new ApplicationPreconditionRequiredError();
    const application = await this.find(scope, applicationId, true);
    if (!ifMatchHolds(ifMatch, application.version))
      throw new ApplicationStaleError(etagOf(application.version));
    if (!EDITABLE.includes(application.status))
      throw new ApplicationNotEditableError(application.status);
    return application;
  }

  async save(application: Application): Promise<Application> {
    return this.db.repo(Application).save(application);
  }

  async recordStatus(
    application: Application,
    from: ApplicationStatus | null,
    comment?: string | null,
    submissionNumber?: number,
  ): Promise<void> {
    const repo = this.db.repo(StatusEvent);
    await repo.save(
      repo.create({
        agencyId: this.db.agencyId,
        applicationId: application.id,
        fromStatus: from,
        toStatus: application.status,
        comment: comment ?? null,
        submissionNumber: submissionNumber ?? null,
        actorUserId: this.context.actor?.userId ?? null,
      }),
    );
  }

  async history(applicationId: string) {
    const events = await this.db.repo(StatusEvent).find({
      where: { agencyId: this.db.agencyId, applicationId },
      order: { at: 'ASC' },
    });
    return events.map((e) => ({
      from: e.fromStatus,
      to: e.toStatus,
      comment: e.comment,
      submissionNumber: e.submissionNumber,
      at: e.at.toISOString(),
    }));
  }
}
