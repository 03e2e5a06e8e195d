import { maskedCopy, type CloudEvent } from '@app/events';
import type { RootLookup } from './compiled-template.js';

const resourceOf = (type: string): string => type.slice(0, type.indexOf('.'));

/**
 * What a template sees of an event: its envelope attributes (`{{type}}`, `{{actor}}`,
 * `{{resourceid}}`, extensions), `{{data.…}}`, `{{masked.…}}` (the data with numbers and secrets
 * masked, built only when a template reads it), and words derived from the type:
 * `{{resource}}` (`order`), `{{action}}` (`status_changed`), `{{resourceLabel}}` (`order 42`).
 * A lookup, not an object: the writer renders every event it stores.
 */
export function eventLookup(event: CloudEvent): RootLookup {
  let masked: unknown;
  // Read by a section and its text, in both languages: built once per event.
  let label: string | undefined;
  return (name) => {
    switch (name) {
      case 'masked':
        return (masked ??= maskedCopy(event.data));
      case 'resource':
        return resourceOf(event.type);
      case 'action':
        return event.type.slice(event.type.indexOf('.') + 1);
      case 'resourceLabel': {
        if (label !== undefined) return label;
        const id = event.resourceid ?? event.subject;
        return (label = id === undefined ? '' : `${event.resourcetype ?? resourceOf(event.type)} ${id}`);
      }
      default:
        return Object.prototype.hasOwnProperty.call(event, name) ? event[name] : undefined;
    }
  };
}

/** The same names as an object, for checking a template's placeholders against a sample event. */
export function eventView(event: CloudEvent): Record<string, unknown> {
  const root = eventLookup(event);
  return { ...event, masked: root('masked'), resource: root('resource'), action: root('action'), resourceLabel: root('resourceLabel') };
}
