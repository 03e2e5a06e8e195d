import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SecretNeedle } from './test-secrets.js';

export interface LogLeak {
  file: string;
  line: number;
  /** The needle's label and the secret masked, never in full. */
  what: string;
}

/** A secret as it may appear in a report: its first and last two characters. */
export const maskSecret = (s: string): string => (s.length <= 6 ? '*'.repeat(s.length) : `${s.slice(0, 2)}${'*'.repeat(s.length - 4)}${s.slice(-2)}`);

/** Each line of `text` that holds a needle, once per needle and line. */
export function scanText(text: string, needles: SecretNeedle[], file = '<text>'): LogLeak[] {
  const leaks: LogLeak[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    for (const needle of needles) {
      const hit = needle.text !== undefined ? (line.includes(needle.text) ? needle.text : undefined) : needle.pattern?.exec(line)?.[0];
      if (hit) leaks.push({ file, line: i + 1, what: `${needle.label}: ${maskSecret(hit)}` });
    }
  }
  return leaks;
}

/** Every file under `dir`, recursively (none when the directory does not exist: nothing was logged). */
function filesUnder(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}

/** Every leak in every log file under `dir`. */
export function scanLogDir(dir: string, needles: SecretNeedle[]): LogLeak[] {
  return filesUnder(dir).flatMap((file) => scanText(readFileSync(file, 'utf8'), needles, file));
}
