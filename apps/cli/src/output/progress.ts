/**
 * Progress of a long operation on stderr, so stdout stays clean for the result: a line redrawn in
 * place on a terminal, otherwise at most one line a second plus the last one.
 */
export class Progress {
  private last = 0;
  private drawn = false;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number): void {
    const now = Date.now();
    const final = done >= total;
    if (this.out.isTTY) {
      if (!final && now - this.last < 100) return;
      this.out.write(`\r${this.label} ${done}/${total}${final ? '\n' : ''}`);
      this.drawn = !final;
    } else {
      if (!final && now - this.last < 1_000) return;
      this.out.write(`${this.label} ${done}/${total}\n`);
    }
    this.last = now;
  }

  /** Ends a redrawn line that did not reach its total (an error stopped the work). */
  end(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/** Elapsed time on a terminal while one long request runs (replay); nothing elsewhere. */
export async function withSpinner<T>(label: string, work: Promise<T>, out: NodeJS.WriteStream = process.stderr): Promise<T> {
  if (!out.isTTY) return work;
  const started = Date.now();
  const timer = setInterval(() => out.write(`\r${label} ${Math.round((Date.now() - started) / 1000)}s`), 250);
  try {
    return await work;
  } finally {
    clearInterval(timer);
    out.write('\r\x1b[2K');
  }
}
