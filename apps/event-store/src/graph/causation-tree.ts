/** One event of a trace, as `GET /events/:id/trace` shows it. */
export interface TraceNode {
  id: string;
  type: string;
  source: string;
  time: string;
  level: string;
  actor: string | null;
  correlationId: string | null;
  causationId: string | null;
  /** Milliseconds after the root event. */
  offsetMs: number;
  /** Milliseconds after the event that caused it (0 for the root). */
  sinceParentMs: number;
  children: TraceNode[];
}

export interface Trace {
  root: TraceNode;
  /** Events in the tree, the root included. */
  count: number;
  /** Deepest level below the root (0: nothing caused by it). */
  depth: number;
  /** From the root to the latest event of the tree, in milliseconds. */
  durationMs: number;
  /** True when the tree was cut at the node or depth limit. */
  truncated: boolean;
}

/** The fields the tree needs from a stored event. */
export interface TraceRow {
  id: string;
  type: string;
  source: string;
  time_utc: string;
  level: string;
  actor: string | null;
  correlation_id: string | null;
  causation_id: string | null;
}

/** Microseconds matter between a handler's input and output: `Date` keeps milliseconds only. */
const micros = (iso: string): number => {
  const [, whole, frac = ''] = /^(.*?\d{2}:\d{2}:\d{2})(?:\.(\d+))?Z$/.exec(iso) ?? [];
  return Date.parse(`${whole ?? iso}Z`) * 1000 + Number(frac.padEnd(6, '0').slice(0, 6) || 0);
};
const ms = (us: number) => Math.round(us) / 1000;

/**
 * Builds the tree under `root` from its descendants (any order), following `causation_id` links.
 * A row whose parent is not in the set is dropped; a cycle cannot form because each id is placed
 * once, under the first parent reached from the root. Children are ordered by time, then id.
 */
export function buildCausationTree(root: TraceRow, descendants: TraceRow[], truncated: boolean): Trace {
  const byParent = new Map<string, TraceRow[]>();
  for (const row of descendants) {
    if (!row.causation_id || row.id === root.id) continue;
    byParent.set(row.causation_id, [...(byParent.get(row.causation_id) ?? []), row]);
  }
  const start = micros(root.time_utc);
  const placed = new Set<string>([root.id]);
  let count = 0;
  let depth = 0;
  let latest = start;
  const node = (row: TraceRow, parentUs: number, level: number): TraceNode => {
    count++;
    depth = Math.max(depth, level);
    const at = micros(row.time_utc);
    latest = Math.max(latest, at);
    const kids = (byParent.get(row.id) ?? [])
      .filter((k) => !placed.has(k.id) && (placed.add(k.id), true))
      .sort((a, b) => micros(a.time_utc) - micros(b.time_utc) || (a.id < b.id ? -1 : 1));
    return {
      id: row.id,
      type: row.type,
      source: row.source,
      time: row.time_utc,
      level: row.level,
      actor: row.actor,
      correlationId: row.correlation_id,
      causationId: row.causation_id,
      offsetMs: ms(at - start),
      sinceParentMs: level === 0 ? 0 : ms(at - parentUs),
      children: kids.map((k) => node(k, at, level + 1)),
    };
  };
  const tree = node(root, start, 0);
  return { root: tree, count, depth, durationMs: ms(latest - start), truncated };
}
