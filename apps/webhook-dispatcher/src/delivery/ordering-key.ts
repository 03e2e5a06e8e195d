/** A subscription's delivery order: `none` (parallel, the default) or `fifo` per ordering key. */
export const ORDERINGS = ['none', 'fifo'] as const;
export type Ordering = (typeof ORDERINGS)[number];

/** `orderingKey`: a dot path into the envelope, such as `subject` or `data.orderId`. */
export const ORDERING_KEY_PATH = /^[A-Za-z0-9_]{1,100}(\.[A-Za-z0-9_]{1,100}){0,9}$/;

/**
 * The ordering key of an event for a fifo subscription: the value at `path` in the envelope, as
 * text; '' (one queue) without a path or when the event has no such value, so nothing is unordered.
 */
export function orderingKeyOf(event: unknown, path: string | null): string {
  if (!path) return '';
  let node: unknown = event;
  for (const part of path.split('.')) node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
  return typeof node === 'string' || typeof node === 'number' || typeof node === 'boolean' ? String(node) : node === undefined || node === null ? '' : JSON.stringify(node);
}
