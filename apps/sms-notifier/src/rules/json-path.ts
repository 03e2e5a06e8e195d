/**
 * The paths rules use to find values in an event's data: dotted names and array indexes, with an
 * optional `$.` in front (`phone`, `customer.phone`, `$.recipients.0`).
 */
export const DATA_PATH = /^(\$\.)?[A-Za-z_][\w-]*(\.([A-Za-z_][\w-]*|\d+))*$/;

export const DATA_PATH_MESSAGE = '$property must be a dotted path into the event data, e.g. "phone", "customer.phone" or "$.recipients.0"';

export const isDataPath = (path: unknown): path is string => typeof path === 'string' && path.length <= 200 && DATA_PATH.test(path);

/** The value at `path`, or undefined when any step is missing. */
export function readPath(data: unknown, path: string): unknown {
  let node: unknown = data;
  for (const step of path.replace(/^\$\./, '').split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? (/^\d+$/.test(step) ? node[Number(step)] : undefined) : (node as Record<string, unknown>)[step];
  }
  return node;
}
