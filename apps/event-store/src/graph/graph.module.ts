import { Module } from '@nestjs/common';
import { TraceController } from './trace.controller.js';
import { TraceRepository } from './trace.repository.js';
import { TraceService } from './trace.service.js';

/** `GET /events/:id/trace`: the correlation graph below one event. */
@Module({ controllers: [TraceController], providers: [TraceRepository, TraceService] })
export class GraphModule {}
