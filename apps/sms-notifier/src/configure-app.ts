import type { INestApplication } from '@nestjs/common';
import { configureHttpEdge } from '@app/events';

/**
 * What main.ts and the tests both apply: the mesh's HTTP edge (JSON only, validated input, one
 * error shape, security headers). Twilio posts its callbacks form-encoded, so those routes take forms; so do mail clients' one-click unsubscribes.
 */
export function configureApp<T extends INestApplication>(app: T): T {
  return configureHttpEdge(app, { formRoutes: [/^\/sms\/(status|inbound)\/[^/]+\/?$/, /^\/email\/unsubscribe\/?$/] });
}
