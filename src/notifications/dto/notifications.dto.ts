import { ApiHideProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NoticeLocale } from '../templates/render-notice';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class MyNotificationsQuery {
  @ApiPropertyOptional({ description: 'Only notices not yet read' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    value === 'true' ? true : value === 'false' ? false : value,
  )
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  /** The nextCursor of the previous page. */
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export class NotificationView {
  id: string;
  agencyCode: string;
  agencyName: string;
  template: string;
  subject: string;
  body: string;
  link: string | null;
  readAt: string | null;
  createdAt: string;
  /** For pages only (not sent by the API): the language the subject and body are in. */
  @ApiHideProperty()
  locale?: NoticeLocale;
}

export class NotificationPage {
  items: NotificationView[];
  unreadCount: number;
  nextCursor: string | null;
}
