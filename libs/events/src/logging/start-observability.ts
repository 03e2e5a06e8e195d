import { MeshLogger } from './mesh-logger.js';
import { startTracing } from '../tracing/tracing-sdk.js';

/**
 * What every app's main.ts does before it builds the app: tracing when
 * `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and the structured logger to hand to NestFactory.
 * @example const app = await NestFactory.create(AppModule.forRoot(), { logger: startObservability(SERVICE_NAME) });
 */
export function startObservability(app: string): MeshLogger {
  startTracing({ service: app });
  return new MeshLogger({ app });
}
