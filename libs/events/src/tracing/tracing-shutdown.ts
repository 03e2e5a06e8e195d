import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { stopTracing } from './tracing-sdk.js';

/** Sends the spans still batched when the app stops (a no-op when tracing is off). */
@Injectable()
export class TracingShutdown implements OnApplicationShutdown {
  onApplicationShutdown(): Promise<void> {
    return stopTracing();
  }
}
