import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { AgencyDirectory } from '../agencies/agency-directory';
import { RequestContext } from '../core/context/request-context';
import { decodeCursor as decodeKeysetCursor, TIME_AND_ID } from '../core/pagination/keyset-cursor';
import { NotificationPage, NotificationView } from './dto/notifications.dto';
import { NotificationNotFoundError } from './notifications.errors';
import { isUuid } from '../core/ids';
import { computedColumns, entitySql, sql, sqlRows } from '../core/database/sql-statement';
import { Notification } from './entities/notification.entity';
import { isTemplateName, TemplateData } from './templates/notification-templates';
import { NoticeLocale, renderNotice } from './templates/render-notice';

type Row = ReturnType<typeof LIST.shape>[number];

const pick = [
  'id',
  'agencyId',
  'template',
  'subject',
  'body',
  'link',
  'data',
  'readAt',
  'createdAt',
] as const;
/** The instant as text too, for a cursor that keeps microseconds. */
const computed = computedColumns<{ createdText: string }>();

const LIST = entitySql(
  'notifications.mine-page',
  Notification,
  'n',
  `SELECT {columns}, n.created_at::text AS "createdText" FROM notifications n
    WHERE n.user_id = $1
      AND ($2::boolean IS NOT TRUE OR n.read_at IS NULL)
      AND ($3::timestamptz IS NULL OR (n.created_at, n.id) < ($3::timestamptz, $4::uuid))
      AND ($6::uuid IS NULL OR n.agency_id = $6::uuid)
    ORDER BY n.created_at DESC, n.id DESC
    LIMIT $5`,
  { pick, computed },
);

const UNREAD_COUNT = sql<{ count: number }>(
  'notifications.mine-unread-count',
  `SELECT count(*)::int AS count FROM notifications
    WHERE user_id = $1 AND read_at IS NULL AND ($2::uuid IS NULL OR agency_id = $2::uuid)`,
);

const MARK_READ = entitySql(
  'notifications.mine-mark-read',
  Notification,
  'n',
  `WITH marked AS (
     UPDATE notifications SET read_at = COALESCE(read_at, now())
      WHERE id = $1 AND user_id = $2 AND ($3::uuid IS NULL OR agency_id = $3::uuid)
      RETURNING *)
   SELECT {columns}, n.created_at::text AS "createdText" FROM marked n`,
  { pick, computed },
);

/**
 * A signed-in user's own notices in every agency (GET /me/notifications). These requests have
 * no agency; the access policy set app.user_id, and the notifications_own_rows policies show
 * and let update exactly that user's rows. The user_id filter repeats it for the index.
 */
@Injectable()
export class MyNotifications {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly context: RequestContext,
    private readonly agencies: AgencyDirectory,
  ) {}

  async list(options: {
    unread?: boolean;
    limit?: number;
    cursor?: string;
    /** Only this agency's notices (an agency's portal shows its own). */
    agencyId?: string;
    /**
     * A page's language: each notice rendered in it from its template's data (the catalogs in
     * English and Spanish), not as it was written; `locale` on each says what it is in.
     */
    locale?: NoticeLocale;
  }): Promise<NotificationPage> {
    const { userId } = this.context.requireUser();
    const limit = options.limit ?? 50;
    const after = options.cursor ? decodeCursor(options.cursor) : undefined;
    const rows = await sqlRows(this.txHost.tx, LIST, [
      userId,
      options.unread ?? false,
      after?.createdAt ?? null,
      after?.id ?? null,
      limit + 1,
      options.agencyId ?? null,
    ]);
    const [{ count }] = await sqlRows(this.txHost.tx, UNREAD_COUNT, [
      userId,
      options.agencyId ?? null,
    ]);
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map((row) =>
        options.locale ? this.inLocale(row, options.locale) : this.view(row),
      ),
      unreadCount: count,
      nextCursor: rows.length > limit && last ? encodeCursor(last.createdText, last.id) : null,
    };
  }

  /** Marks one of the caller's notices read (again: no change). Someone else's answers 404. */
  async markRead(id: string, agencyId?: string): Promise<NotificationView> {
    const { userId } = this.context.requireUser();
    if (!isUuid(id)) throw new NotificationNotFoundError();
    const rows = await sqlRows(this.txHost.tx, MARK_READ, [id, userId, agencyId ?? null]);
    if (!rows[0]) throw new NotificationNotFoundError();
    return this.view(rows[0]);
  }

  /** The notice in this language when its data was kept; older rows as written (English). */
  private inLocale(r: Row, locale: NoticeLocale): NotificationView {
    const view = this.view(r);
    if (!r.data || !isTemplateName(r.template)) return { ...view, locale: 'en' };
    const config = this.agencies.configOf(r.agencyId);
    const notice = renderNotice(r.template, r.data as TemplateData[typeof r.template], config, {
      locale,
    });
    // A notice without a version in this language comes back in English, and says so.
    return { ...view, subject: notice.subject, body: notice.body, locale: notice.locale };
  }

  /**
   * The agency's code and name from the agency directory (deactivated agencies included; a
   * notice exists only in an agency this process knows, so the fallback is never shown).
   */
  private view(r: Row): NotificationView {
    const agency = this.agencies.describe(r.agencyId);
    return {
      id: r.id,
      agencyCode: agency?.code ?? '',
      agencyName: agency?.name ?? '',
      template: r.template,
      subject: r.subject,
      body: r.body,
      link: r.link,
      readAt: r.readAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    };
  }
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: string; id: string } {
  const [createdAt, id] = decodeKeysetCursor(cursor, TIME_AND_ID) as [string, string];
  return { createdAt, id };
}
