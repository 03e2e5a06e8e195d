import type { Readable } from 'node:stream';

// Console output of the launcher: its own lines are prefixed `mesh |`, each app's lines with the
// app's name (as docker compose does), and the last lines of every process are kept so a failure
// report can show them.

const useColor = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const PALETTE = [36, 33, 32, 35, 34, 96, 93, 92, 95, 94];

export const bold = (text: string): string => (useColor ? `\x1b[1m${text}\x1b[22m` : text);
export const red = (text: string): string => (useColor ? `\x1b[31m${text}\x1b[39m` : text);
export const dim = (text: string): string => (useColor ? `\x1b[2m${text}\x1b[22m` : text);

/** The `name |` prefix, padded to `width`, coloured by `index` on a terminal. */
export function prefix(name: string, width: number, index: number): string {
  const label = `${name.padEnd(width)} |`;
  return useColor ? `\x1b[${PALETTE[index % PALETTE.length]}m${label}\x1b[39m` : label;
}

/** A launcher message on stdout. */
export function say(message: string): void {
  for (const line of message.split('\n')) process.stdout.write(`${prefix('mesh', 4, 0)} ${line}\n`);
}

/** A launcher problem on stderr, every line marked so it stands out in interleaved output. */
export function shout(title: string, lines: string[] = []): void {
  const rule = red('!'.repeat(78));
  const body = [rule, red(`!! ${bold(title)}`), ...lines.map((l) => `!!   ${l}`), rule];
  process.stderr.write(`${body.join('\n')}\n`);
}

/** The last `max` lines written by a process. */
export class LineLog {
  private readonly lines: string[] = [];

  constructor(private readonly max = 40) {}

  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
  }

  tail(n = this.max): string[] {
    return this.lines.slice(-n);
  }
}

/** Calls `onLine` for every complete line of `stream` (and the unterminated rest at its end). */
export function eachLine(stream: Readable | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split(/\r?\n/);
    rest = parts.pop() ?? '';
    for (const line of parts) onLine(line);
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
    rest = '';
  });
}

/** Renders rows as left-aligned columns under a header line. */
export function table(header: string[], rows: string[][], indent = '  '): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const render = (cells: string[]) =>
    indent + cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [render(header), ...rows.map(render)];
}
