import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RequirePermission } from '../core/access/access.decorators';
import { UuidParam } from '../core/http/validation';
import {
  CreateWebhookEndpointDto,
  RotateWebhookSecretDto,
  UpdateWebhookEndpointDto,
  WebhookDeliveryDetailDto,
  WebhookDeliveryListQuery,
  WebhookDeliveryPageDto,
  WebhookEndpointDto,
  WebhookEndpointListDto,
  WebhookEndpointWithSecretDto,
  WebhookReplayDto,
} from './dto/webhook-endpoint.dto';
import { WebhookDeliveries } from './webhook-deliveries.service';
import { WebhookEndpoints } from './webhook-endpoints.service';

/** The agency's webhook endpoints, their secrets and delivery logs: agency admins only. */
@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('agencies/:agencyCode/webhook-endpoints')
@RequirePermission('agency.webhooks.manage')
export class WebhookEndpointsController {
  constructor(
    private readonly endpoints: WebhookEndpoints,
    private readonly deliveries: WebhookDeliveries,
  ) {}

  @Get()
  @ApiOkResponse({ type: WebhookEndpointListDto })
  list(): Promise<WebhookEndpointListDto> {
    return this.endpoints.list();
  }

  /** Registers an endpoint; the answer carries its signing secret, shown this once. */
  @Post()
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretDto })
  create(@Body() body: CreateWebhookEndpointDto): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.create(body);
  }

  @Get(':endpointId')
  @ApiOkResponse({ type: WebhookEndpointDto })
  get(@Param('endpointId', UuidParam) endpointId: string): Promise<WebhookEndpointDto> {
    return this.endpoints.get(endpointId);
  }

  @Patch(':endpointId')
  @ApiOkResponse({ type: WebhookEndpointDto })
  update(
    @Param('endpointId', UuidParam) endpointId: string,
    @Body() body: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return this.endpoints.update(endpointId, body);
  }

  @Delete(':endpointId')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param('endpointId', UuidParam) endpointId: string): Promise<void> {
    await this.endpoints.remove(endpointId);
  }

  @Post(':endpointId/secret/rotate')
  @HttpCode(200)
  @ApiOkResponse({ type: WebhookEndpointWithSecretDto })
  rotate(
    @Param('endpointId', UuidParam) endpointId: string,
    @Body() body: RotateWebhookSecretDto,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.rotateSecret(endpointId, body.previousSecretHours);
  }

  @Get(':endpointId/deliveries')
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  deliveryLog(
    @Param('endpointId', UuidParam) endpointId: string,
    @Query() query: WebhookDeliveryListQuery,
  ): Promise<WebhookDeliveryPageDto> {
    return this.deliveries.list(endpointId, query);
  }

  @Get(':endpointId/deliveries/:deliveryId')
  @ApiOkResponse({ type: WebhookDeliveryDetailDto })
  delivery(
    @Param('endpointId', UuidParam) endpointId: string,
    @Param('deliveryId', UuidParam) deliveryId: string,
  ): Promise<WebhookDeliveryDetailDto> {
    return this.deliveries.get(endpointId, deliveryId);
  }

  /** Sends the delivery again with the same webhook-id (one attempt, queued). */
  @Post(':endpointId/deliveries/:deliveryId/replay')
  @HttpCode(202)
  @ApiAcceptedResponse({ type: WebhookReplayDto })
  replay(
    @Param('endpointId', UuidParam) endpointId: string,
    @Param('deliveryId', UuidParam) deliveryId: string,
  ): Promise<WebhookReplayDto> {
    return this.deliveries.replay(endpointId, deliveryId);
  }
}
