import { maskedCopy, type CloudEvent } from '@app/events';

/**
 * What a template sees of an event: its envelope attributes (`{{type}}`, `{{actor}}`,
 * `{{resourceid}}`, extensions), `{{data.…}}`, `{{masked.…}}` (the data with numbers and secrets
 * masked, built only when a template reads it), and words derived from the type:
 * `{{resource}}` (`order`), `{{action}}` (`status_changed`), `{{resourceLabel}}` (`order 42`).
 */
export function eventView(event: CloudEvent): Record<string, unknown> {
  const dot = event.type.indexOf('.');
  const resourceId = event.resourceid ?? event.subject;
  const view: Record<string, unknown> = {
    ...event,
    resource: event.type.slice(0, dot),
    action: event.type.slice(dot + 1),
    resourceLabel: resourceId === undefined ? '' : `${event.resourcetype ?? event.type.slice(0, dot)} ${resourceId}`,
  };
  let masked: unknown;
  // Lazy: most sentences read no masked value, and the writer renders every event it stores.
  Object.defineProperty(view, 'masked', { enumerable: true, get: () => (masked ??= maskedCopy(event.data)) });
  return view;
}
