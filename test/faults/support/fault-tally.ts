/** What a fault case found: each sent item's effect counted where it lands (rows, records, SMS). */
export interface FaultTally {
  sent: number;
  stored: number;
  duplicates: number;
  lost: number;
}

/**
 * Counts `sent` keys against how often each effect was seen and prints the line every fault case
 * reports (`[faults] <label>: sent / stored / duplicates / lost`), so a CI log shows the figures
 * of a green run too, not only of a red one.
 */
export function tallyEffects(label: string, sent: readonly string[], seen: ReadonlyMap<string, number>, extra = ''): FaultTally {
  const wanted = new Set(sent);
  let stored = 0;
  let duplicates = 0;
  for (const key of wanted) {
    const n = seen.get(key) ?? 0;
    if (n > 0) stored++;
    if (n > 1) duplicates++;
  }
  const tally = { sent: wanted.size, stored, duplicates, lost: wanted.size - stored };
  process.stdout.write(`[faults] ${label}: sent ${tally.sent} / stored ${tally.stored} / duplicates ${tally.duplicates} / lost ${tally.lost}${extra ? ` ${extra}` : ''}\n`);
  return tally;
}

/** Counts how often each key occurs. */
export function countKeys(keys: Iterable<string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return counts;
}
