/** `22:00-08:00`: start and end in the recipient's local time; a window may cross midnight. */
export const QUIET_HOURS = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$/;

export const QUIET_HOURS_MESSAGE = '$property must be a local time window HH:MM-HH:MM, e.g. 22:00-08:00';

export interface QuietWindow {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

export function parseQuietHours(text: string | null | undefined): QuietWindow | undefined {
  const m = text ? QUIET_HOURS.exec(text) : null;
  if (!m) return undefined;
  const [start, end] = [Number(m[1]) * 60 + Number(m[2]), Number(m[3]) * 60 + Number(m[4])];
  return start === end ? undefined : { start, end };
}

const DAY = 1440;

/** The local minute of the day in `zone`, and how far `at` is into that minute (ms). */
function local(at: Date, zone: string): { minute: number; intoMinuteMs: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: '2-digit', minute: '2-digit' }).formatToParts(at);
  const hour = Number(parts.find((p) => p.type === 'hour')!.value);
  const minute = Number(parts.find((p) => p.type === 'minute')!.value);
  return { minute: hour * 60 + minute, intoMinuteMs: at.getTime() % 60_000 };
}

/**
 * When the quiet window `at` falls in ends, in `zone` (the first instant it is over), or undefined
 * when `at` is outside it. A daylight-saving change inside the window is corrected for.
 */
export function quietUntil(window: QuietWindow, at: Date, zone: string): Date | undefined {
  const { minute, intoMinuteMs } = local(at, zone);
  const inside = window.start < window.end ? minute >= window.start && minute < window.end : minute >= window.start || minute < window.end;
  if (!inside) return undefined;
  const minutesLeft = (window.end - minute + DAY) % DAY;
  let release = at.getTime() - intoMinuteMs + minutesLeft * 60_000;
  // The clocks moved inside the window: land on the local end time anyway.
  let drift = (window.end - local(new Date(release), zone).minute + DAY) % DAY;
  if (drift > DAY / 2) drift -= DAY;
  release += drift * 60_000;
  return new Date(release);
}
