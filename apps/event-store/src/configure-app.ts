import type { INestApplication } from '@nestjs/common';
import { configureHttpEdge } from '@app/events';
import { ingestEnv, type IngestLimits } from './ingest/ingest-env.js';
import { CLIENT_INGEST_PATH } from './client-keys/client-ingest.controller.js';

/**
 * What main.ts and the tests both apply: the mesh's HTTP edge, with the body limit raised to
 * INGEST_MAX_BODY_BYTES for HTTP ingest (the 413 names it), and browser beacons' `text/plain` JSON
 * taken on the client ingest route.
 */
export function configureApp<T extends INestApplication>(app: T): T {
  const { maxBodyBytes } = app.get<IngestLimits>(ingestEnv.KEY);
  return configureHttpEdge(app, { limitBytes: maxBodyBytes, limitSetting: 'INGEST_MAX_BODY_BYTES', textJsonRoutes: [CLIENT_INGEST_PATH] });
}
