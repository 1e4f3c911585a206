import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequirePermission } from '../core/access/access.decorators';
import { MyNotificationsQuery, NotificationPage, NotificationView } from './dto/notifications.dto';
import { MyNotifications } from './my-notifications.service';

@ApiTags('me')
@ApiBearerAuth()
@Controller('me/notifications')
export class MyNotificationsController {
  constructor(private readonly notifications: MyNotifications) {}

  @Get()
  @RequirePermission('self.read')
  @ApiOperation({
    operationId: 'listMyNotifications',
    summary: 'My notices in every agency, newest first',
  })
  list(@Query() query: MyNotificationsQuery): Promise<NotificationPage> {
    return this.notifications.list(query);
  }

  @Post(':id/read')
  @HttpCode(200)
  @RequirePermission('self.update')
  @ApiOperation({ operationId: 'markMyNotificationRead', summary: 'Mark one of my notices read' })
  markRead(@Param('id') id: string): Promise<NotificationView> {
    return this.notifications.markRead(id);
  }
}
