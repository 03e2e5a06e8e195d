import { Module } from '@nestjs/common';
import { MeshHealthController } from './mesh-health.controller.js';
import { MeshHealthService } from './mesh-health.service.js';
import { ConsumersService } from './consumers.service.js';

@Module({ controllers: [MeshHealthController], providers: [MeshHealthService, ConsumersService] })
export class MeshHealthModule {}
