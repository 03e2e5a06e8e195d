import { ConsoleLogger } from '@nestjs/common';
import { formatLogLine, writeRunLog } from './run-log.js';

/**
 * A Nest logger that keeps every line the apps of a test log, at every level, errors with their
 * whole object (own properties included, as an error dump would show them), and prints only errors.
 * Give the same instance to every app of a run, then `leaks(secrets)` says which secret or phone
 * number any line held. Every kept line also goes to the suite's run log (test-output/logs), which
 * the scan after the whole run reads.
 * @example const logs = new LogCapture(); Test…createNestApplication({ logger: logs }); expect(logs.leaks([secret])).toEqual([]);
 */
export class LogCapture extends ConsoleLogger {
  readonly lines: string[] = [];

  constructor(private readonly printErrors = true) {
    super({ logLevels: ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] });
  }

  private keep(level: string, parts: unknown[]): void {
    const line = formatLogLine(level, parts);
    this.lines.push(line);
    writeRunLog(`${line}\n`);
  }

  override log(message: unknown, ...rest: unknown[]): void {
    this.keep('log', [message, ...rest]);
  }
  override warn(message: unknown, ...rest: unknown[]): void {
    this.keep('warn', [message, ...rest]);
  }
  override debug(message: unknown, ...rest: unknown[]): void {
    this.keep('debug', [message, ...rest]);
  }
  override verbose(message: unknown, ...rest: unknown[]): void {
    this.keep('verbose', [message, ...rest]);
  }
  override fatal(message: unknown, ...rest: unknown[]): void {
    this.keep('fatal', [message, ...rest]);
    if (this.printErrors) super.fatal(message, ...rest);
  }
  override error(message: unknown, ...rest: unknown[]): void {
    this.keep('error', [message, ...rest]);
    if (this.printErrors) super.error(message, ...rest);
  }

  /** Each secret (or phone number, in any of the given spellings) found in a kept line, with the line. */
  leaks(secrets: string[]): Array<{ secret: string; line: string }> {
    const found: Array<{ secret: string; line: string }> = [];
    for (const secret of secrets.filter((s) => s.length >= 6)) {
      const line = this.lines.find((l) => l.includes(secret));
      if (line) found.push({ secret, line: line.slice(0, 500) });
    }
    return found;
  }
}
