import type { AppHealth, MeshStatus } from './types.js';

/** The Overview's derived figures, kept apart from the page so they can be checked without a browser. */

export interface Largest {
  name: string;
  value: number;
}

/** The EVENTS durable with the most pending messages (null when there is none). */
export function largestLag(status: MeshStatus): Largest | null {
  const events = status.durables.filter((d) => d.stream === 'EVENTS');
  if (events.length === 0) return null;
  const top = events.reduce((a, b) => (b.pending > a.pending ? b : a));
  return { name: top.name, value: top.pending };
}

/** The consumer with the deepest dead-letter queue (null when the DLQ is empty). */
export function largestDlq(status: MeshStatus): Largest | null {
  const entries = Object.entries(status.deadLetters).filter(([, n]) => n > 0);
  if (entries.length === 0) return null;
  const [name, value] = entries.reduce((a, b) => (b[1] > a[1] ? b : a));
  return { name, value };
}

/** The webhook backlog the dispatcher reports in its health (`webhooks` check), when it is in the mesh. */
export function webhookBacklog(apps: AppHealth[]): { due: number; oldestSeconds: number } | null {
  const hooks = apps.find((a) => a.health?.details?.webhooks)?.health?.details?.webhooks;
  if (!hooks) return null;
  const due = typeof hooks.due === 'number' ? hooks.due : 0;
  const oldestSeconds = typeof hooks.oldestDueAgeSeconds === 'number' ? hooks.oldestDueAgeSeconds : 0;
  return { due, oldestSeconds };
}

/** "45 s", "12 min", "3 h 5 min". */
export function formatAge(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m ? `${h} h ${m} min` : `${h} h`;
}
