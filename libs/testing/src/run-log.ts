import { appendFileSync, mkdirSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { inspect } from 'node:util';

/**
 * Where a test run's logs go, one file per suite and one per child process, so a check after the
 * whole run (the globalTeardown's secret scan) sees every line any app printed, not only the lines
 * a suite chose to keep.
 */
export const RUN_LOG_DIR = resolve(process.env.TEST_LOG_DIR ?? 'test-output/logs');

// Until a suite names itself (a bench that starts an AppProcess outside Jest).
let suite = 'outside-jest';

/** Names the suite whose lines follow (the setup file calls this with the test file's path). */
export function setRunLogSuite(testPath: string): void {
  const rel = relative(process.cwd(), testPath);
  suite = (rel.startsWith('..') ? basename(testPath) : rel).replace(/\.ts$/, '').replace(/[\\/]/g, '__');
}

/** The file for a part of the current suite (`child` for one child process), created on first use. */
export function runLogFile(child?: string): string {
  mkdirSync(RUN_LOG_DIR, { recursive: true });
  return join(RUN_LOG_DIR, child ? `${suite}.${child.replace(/[^\w.-]/g, '_')}.log` : `${suite}.log`);
}

/**
 * Appends to the current suite's log. Synchronous on purpose: a line written just before a
 * process dies or a suite ends must still be on disk when the teardown scans.
 */
export function writeRunLog(text: string | Uint8Array, child?: string): void {
  appendFileSync(runLogFile(child), text);
}

/** A logger call as one line: the level, then each part (objects and errors in full, as a dump would show them). */
export const formatLogLine = (level: string, parts: unknown[]): string =>
  [level, ...parts.map((p) => (typeof p === 'string' ? p : inspect(p, { depth: 6, showHidden: false })))].join(' ');
