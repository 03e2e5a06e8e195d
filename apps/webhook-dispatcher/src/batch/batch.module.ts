import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { BatchExecutor } from './batch-executor.js';
import { BatchRepository } from './batch.repository.js';
import { BatchWorker } from './batch-worker.js';

/** Batched delivery (`batch` on a subscription): its own claim and worker, the shared executor and outcome writer. */
@Module({
  imports: [DeliveryModule],
  providers: [BatchExecutor, BatchRepository, BatchWorker],
})
export class BatchModule {}
