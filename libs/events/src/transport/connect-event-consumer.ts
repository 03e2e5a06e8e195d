import { INestApplication, INestMicroservice } from '@nestjs/common';
import { JetStreamServer } from './jetstream.server.js';
import { MeshExceptionFilter } from './mesh-exception.filter.js';

/** The NestMicroservice methods that `connectMicroservice` itself calls when not deferred. */
interface DeferredMicroservice extends INestMicroservice {
  registerListeners(): void;
  setIsInitialized(value: boolean): void;
  setIsInitHookCalled(value: boolean): void;
}

/**
 * Attaches the JetStream transport to an HTTP app so its `@EventPattern` handlers consume the
 * app's durable. Call before `app.listen()`.
 * @example
 * const app = await NestFactory.create(AppModule);
 * await connectEventConsumer(app);
 * await app.listen(3001);
 */
export async function connectEventConsumer(app: INestApplication): Promise<INestMicroservice> {
  const microservice = app.connectMicroservice({ strategy: app.get(JetStreamServer) }, { deferInitialization: true }) as DeferredMicroservice;
  // Handlers' own errors must reach the transport (to choose retry or dead-letter, and to record
  // them), so the filter has to be in place before the listeners are bound; hence the deferral.
  microservice.useGlobalFilters(new MeshExceptionFilter());
  microservice.registerListeners();
  microservice.setIsInitialized(true);
  microservice.setIsInitHookCalled(true);
  await app.startAllMicroservices();
  return microservice;
}
