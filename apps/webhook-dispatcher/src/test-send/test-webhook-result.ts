/** `POST /webhooks/test`'s answer, decorator-free: the console's browser code imports it with `import type`. */

import type { CloudEvent } from '@app/events/views';

/**
 * Where the test event's data came from: the request, the latest stored event of the type
 * (`storedEventId`), a sample of its newest registered JSON Schema (`schemaId`), or `{ test: true }`.
 */
export interface TestPayload {
  from: 'given' | 'stored' | 'schema' | 'default';
  schemaId?: string;
  storedEventId?: string;
}

export interface TestWebhookResult {
  url: string;
  /** True for a 2xx answer. */
  delivered: boolean;
  event: CloudEvent;
  payload: TestPayload;
  request: { headers: Record<string, string> };
  response: { status: number; headers: Record<string, string>; body: string | null } | null;
  durationMs: number;
  error: string | null;
  /** The one-off secret it was signed with, when a bare url was tested without one. */
  secret?: string;
}
