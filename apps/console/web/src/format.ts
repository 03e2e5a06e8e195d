/** Display helpers: times, counts, short previews. */

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  // The year only when it is not this one: the list's time column stays narrow.
  const year = d.getFullYear() === new Date().getFullYear() ? undefined : 'numeric';
  return d.toLocaleString(undefined, { year, month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

export function formatClock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
}

/** "3 s ago", "5 min ago", "2 h ago", else the date. */
export function timeAgo(iso: string, now = Date.now()): string {
  const s = Math.round((now - new Date(iso).getTime()) / 1000);
  if (!Number.isFinite(s)) return iso;
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return formatTime(iso);
}

export const formatCount = (n: number | null | undefined): string => (n === null || n === undefined ? '–' : n.toLocaleString());

export const formatPercent = (rate: number): string => `${(rate * 100).toFixed(rate > 0 && rate < 0.01 ? 2 : 1)} %`;

/** One line of JSON, cut at `max` characters. */
export function preview(data: unknown, max = 120): string {
  let s: string;
  try {
    s = typeof data === 'string' ? data : (JSON.stringify(data) ?? '');
  } catch {
    s = String(data);
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** A `datetime-local` input value (local time) as ISO, or undefined when empty. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}
