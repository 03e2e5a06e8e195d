import { Module } from '@nestjs/common';
import { EventPartitionsService } from './event-partitions.service.js';

/** The weekly partitions of `events`, created ahead of the writes. */
@Module({ providers: [EventPartitionsService], exports: [EventPartitionsService] })
export class PartitionsModule {}
