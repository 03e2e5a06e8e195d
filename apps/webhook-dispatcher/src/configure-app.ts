import type { INestApplication } from '@nestjs/common';
import { configureHttpEdge } from '@app/events';

/**
 * What main.ts and the tests both apply: the mesh's HTTP edge (JSON only, validated input where an
 * unknown field is a 400 naming it, one error shape, security headers).
 */
export function configureApp<T extends INestApplication>(app: T): T {
  return configureHttpEdge(app);
}
