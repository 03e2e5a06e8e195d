import type { INestApplication } from '@nestjs/common';
import { configureHttpEdge } from '@app/events';
import { ingestEnv, type IngestLimits } from './ingest/ingest-env.js';

/**
 * What main.ts and the tests both apply: the mesh's HTTP edge, with the body limit raised to
 * INGEST_MAX_BODY_BYTES for HTTP ingest (the 413 names it).
 */
export function configureApp<T extends INestApplication>(app: T): T {
  const { maxBodyBytes } = app.get<IngestLimits>(ingestEnv.KEY);
  return configureHttpEdge(app, { limitBytes: maxBodyBytes, limitSetting: 'INGEST_MAX_BODY_BYTES' });
}
