/** Words of a search query: letters and digits only, so nothing in it is tsquery syntax. */
export function queryWords(q: string): string[] {
  return (q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 32);
}

/** `taco & sta` (whole words) and `taco:* & sta:*` (prefixes) for `to_tsquery('simple', …)`. */
export function tsQueries(words: readonly string[]): { exact: string; prefix: string } {
  return { exact: words.join(' & '), prefix: words.map((w) => `${w}:*`).join(' & ') };
}
