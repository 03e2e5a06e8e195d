import { ConsoleLogger } from '@nestjs/common';
import { TestingLogger } from '@nestjs/testing/services/testing-logger.service.js';
import { formatLogLine, setRunLogSuite, writeRunLog } from '../run-log.js';

/**
 * setupFilesAfterEnv: everything a suite prints (Nest's ConsoleLogger writes to process.stdout and
 * stderr; tests use console.*) also goes to test-output/logs/<suite>.log for the whole-run secret
 * scan. The console looks the same as before: each write is passed on unchanged.
 *
 * Only this suite's sandbox is touched: `process` here is Jest's per-file copy whose `stdout`
 * getter returns the real stream, so the stream is wrapped (not patched) and Jest's own reporter
 * output stays out of the suite's file.
 */
setRunLogSuite(expect.getState().testPath ?? 'unnamed-suite');

const teed: Record<'stdout' | 'stderr', NodeJS.WriteStream> = { stdout: process.stdout, stderr: process.stderr };
for (const name of ['stdout', 'stderr'] as const) {
  const real = process[name];
  const write = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
    writeRunLog(chunk);
    return (real.write as (...args: unknown[]) => boolean).call(real, chunk, ...rest);
  };
  teed[name] = new Proxy(real, {
    get(target, key) {
      if (key === 'write') return write;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  Object.defineProperty(process, name, { value: teed[name], configurable: true, writable: true });
}

// Jest's console prints outside the sandbox, so its lines are kept here too. It finds the caller
// it shows by counting stack frames, so no wrapper may sit between a test and console.log.
const SINK = Symbol.for('testing.runLogSink');
type Write = (buffer: unknown, type: string, message: string, ...rest: unknown[]) => unknown;
const jestConsole = console as unknown as { _stdout?: unknown; _stderr?: unknown };
const jestConsoleClass = console.constructor as unknown as { write?: Write; [SINK]?: (text: string) => void };
if (typeof jestConsoleClass.write === 'function') {
  // BufferedConsole cuts the stack at its static `write`: the hook goes into that function
  // (once per process; the sink follows the current suite).
  if (!jestConsoleClass[SINK]) {
    const original = jestConsoleClass.write;
    jestConsoleClass.write = function (this: unknown, buffer, type, message, ...rest) {
      jestConsoleClass[SINK]?.(`${message}\n`);
      return original.call(this, buffer, type, message, ...rest);
    };
  }
  jestConsoleClass[SINK] = (text) => writeRunLog(text);
} else if (Object.hasOwn(jestConsole, '_stdout')) {
  // CustomConsole (--verbose, or a single file) is a Node Console: it writes to its own streams.
  jestConsole._stdout = teed.stdout;
  jestConsole._stderr = teed.stderr;
} else {
  throw new Error(`run-log setup: Jest's console (${console.constructor.name}) is of a kind it cannot keep lines of`);
}

// Apps in tests mostly print only errors and warnings; what they would print at the other levels
// in production goes to the run log all the same, so a leak at 'log' or 'debug' level is seen too.
for (const level of ['log', 'error', 'warn', 'debug', 'verbose', 'fatal'] as const) {
  const original = ConsoleLogger.prototype[level];
  ConsoleLogger.prototype[level] = function (this: ConsoleLogger, message: unknown, ...rest: unknown[]) {
    if (!this.isLevelEnabled(level)) writeRunLog(`${formatLogLine(level, [message, ...rest])}\n`);
    return original.call(this, message, ...rest);
  };
}

// Test.createTestingModule logs through TestingLogger, which drops every level but errors, and
// keeps it when a test asks for levels (`logger: ['error', 'warn']`): its dropped lines too.
for (const level of ['log', 'warn', 'debug', 'verbose'] as const) {
  const original = TestingLogger.prototype[level];
  TestingLogger.prototype[level] = function (this: TestingLogger, message: unknown, ...rest: unknown[]) {
    writeRunLog(`${formatLogLine(level, [message, ...rest])}\n`);
    return original.call(this, message as string);
  };
}
