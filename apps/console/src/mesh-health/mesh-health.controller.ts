import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiKey, ApiKeyGuard, type MeshStatus } from '@app/events';
import { ConsumerInfo, ConsumersService } from './consumers.service.js';
import { MeshHealth, MeshHealthService } from './mesh-health.service.js';

/** The mesh at a glance. `GET /api/mesh/health`: every app's health (it carries no secrets, so no key is needed). */
@Controller('api/mesh')
export class MeshHealthController {
  constructor(
    private readonly health: MeshHealthService,
    private readonly consumers: ConsumersService,
  ) {}

  @Get('health')
  read(): Promise<MeshHealth> {
    return this.health.read();
  }

  /** `GET /api/mesh/status`: streams, every durable consumer with its lag, DLQ depth per consumer. */
  @Get('status')
  @UseGuards(ApiKeyGuard)
  @ApiKey('when-configured')
  status(): Promise<MeshStatus> {
    return this.consumers.status();
  }

  /** `GET /api/mesh/consumers`: the durable consumers on EVENTS with their lag (replay targets). */
  @Get('consumers')
  @UseGuards(ApiKeyGuard)
  @ApiKey('when-configured')
  listConsumers(): Promise<ConsumerInfo[]> {
    return this.consumers.list();
  }
}
