import { INestApplication, INestMicroservice } from '@nestjs/common';
import { JetStreamServer } from './jetstream.server.js';

/**
 * Attaches the JetStream transport to an HTTP app so its `@EventPattern` handlers consume the
 * app's durable, through Nest's public hybrid-app API only. Call before `app.listen()`.
 *
 * `inheritAppConfig` because Nest binds a connected microservice's handlers at once, with the
 * filters known then: its own config is still empty, the app's already holds `MeshExceptionFilter`
 * (`APP_FILTER` of `EventsModule`), so handlers' own errors reach the transport.
 * @example
 * const app = await NestFactory.create(AppModule);
 * await connectEventConsumer(app);
 * await app.listen(3001);
 */
export async function connectEventConsumer(app: INestApplication): Promise<INestMicroservice> {
  const microservice = app.connectMicroservice({ strategy: app.get(JetStreamServer) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  return microservice;
}
