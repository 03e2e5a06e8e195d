import { INestApplication, ValidationPipe } from '@nestjs/common';
import { applyIngestBodyLimit } from './ingest/body-limit.js';

/** What main.ts and the tests both apply: validated input, unknown fields and parameters refused by name. */
export function configureApp<T extends INestApplication>(app: T): T {
  // Before init, so it replaces Nest's own 100kb JSON parser (HTTP ingest takes up to INGEST_MAX_BODY_BYTES).
  applyIngestBodyLimit(app);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  return app;
}
