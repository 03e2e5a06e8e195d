import { Module } from '@nestjs/common';
import { LiveController } from './live.controller.js';
import { LiveTailService } from './live-tail.service.js';

@Module({ controllers: [LiveController], providers: [LiveTailService] })
export class LiveModule {}
