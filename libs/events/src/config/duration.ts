const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/**
 * Parses `500ms`, `5s`, `2m`, `1h`, `7d` into milliseconds; `undefined` when malformed.
 * @example parseDuration('2m') // 120000; parseDuration('2 minutes') // undefined
 */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2]]);
}

/**
 * Parses a comma-separated schedule such as `1s,5s,30s,2m`; `undefined` when any part is malformed.
 * @example parseDurationList('1s,5s,30s') // [1000, 5000, 30000]
 */
export function parseDurationList(text: string): number[] | undefined {
  const parts = text.split(',').map((p) => p.trim()).filter(Boolean);
  if (parts.length === 0) return undefined;
  const values = parts.map(parseDuration);
  return values.every((v): v is number => v !== undefined) ? values : undefined;
}
