import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { currentMeshContext } from '../context/mesh-context.js';
import { traceIdOf } from '../tracing/traceparent.js';
import { maskPhonesInText, REDACT_PATHS } from './log-redaction.js';

export interface MeshLoggerOptions {
  /** The app's name, on every line as `app`. */
  app: string;
  /** `json` lines, or `pretty` for a person; `LOG_FORMAT`, else pretty on a terminal only. */
  format?: 'json' | 'pretty';
  /** pino's lowest level written; `debug` by default (Nest's own verbose lines are `trace`). */
  level?: pino.Level;
  /** Where lines go; stdout by default. */
  destination?: DestinationStream;
}

const NEST_TO_PINO: Record<LogLevel, pino.Level> = { log: 'info', error: 'error', warn: 'warn', debug: 'debug', verbose: 'trace', fatal: 'fatal' };

/** The trace and event of the request or handled event the line is written for. */
function contextFields(): Record<string, string> {
  const ctx = currentMeshContext();
  if (!ctx) return {};
  const fields: Record<string, string> = {};
  const traceId = traceIdOf(ctx.traceparent);
  if (traceId) fields.trace_id = traceId;
  if (ctx.id) fields.event_id = ctx.id;
  if (ctx.correlationid) fields.correlation_id = ctx.correlationid;
  return fields;
}

/**
 * stdout, and stderr for errors as Nest's ConsoleLogger does (the `npm start` launcher shows an
 * app's stderr on the terminal): with `dedupe`, a line goes to the highest stream its level reaches.
 */
function consoleStreams(format: 'json' | 'pretty'): DestinationStream {
  const stream = (fd: 1 | 2): DestinationStream =>
    format === 'pretty'
      ? pretty({ colorize: !process.env.NO_COLOR, sync: true, destination: fd, ignore: 'app,context', messageFormat: '{app} {if context}[{context}] {end}{msg}', translateTime: 'HH:MM:ss.l' })
      : pino.destination({ fd, sync: true });
  return pino.multistream(
    [
      { level: 'trace', stream: stream(1) },
      { level: 'error', stream: stream(2) },
    ],
    { dedupe: true },
  );
}

/**
 * Nest's LoggerService over pino: one JSON line per entry with `app`, `level`, `context`, and the
 * trace id, event id and correlation id of the request or event being handled; secrets and phone
 * numbers censored. Used by every app's main.ts (nestjs-pino does not support Nest 12).
 * @example NestFactory.create(AppModule, { logger: new MeshLogger({ app: 'vendor-service' }) })
 */
export class MeshLogger implements LoggerService {
  readonly pino: Logger;

  constructor(options: MeshLoggerOptions) {
    const format = options.format ?? (process.env.LOG_FORMAT as 'json' | 'pretty' | undefined) ?? (process.stdout.isTTY ? 'pretty' : 'json');
    const destination = options.destination ?? consoleStreams(format);
    this.pino = pino(
      {
        base: { app: options.app },
        level: options.level ?? 'debug',
        messageKey: 'msg',
        formatters: { level: (label) => ({ level: label }) },
        timestamp: pino.stdTimeFunctions.isoTime,
        mixin: contextFields,
        redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      },
      destination,
    );
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /**
   * Nest calls `(message, context)`, `(message, stack, context)` for errors, or `(object, context)`:
   * the last string is the context; an error's stack goes into `err`.
   */
  private write(level: LogLevel, message: unknown, rest: unknown[]): void {
    const target = NEST_TO_PINO[level];
    if (!this.pino.isLevelEnabled(target)) return;
    const params = [...rest];
    const fields: Record<string, unknown> = {};
    if (params.length > 0 && typeof params[params.length - 1] === 'string') fields.context = params.pop();
    if (level === 'error' && typeof params[0] === 'string') fields.stack = maskPhonesInText(params.shift() as string);
    for (const p of params) if (p instanceof Error) fields.err = p;
    if (message instanceof Error) {
      fields.err = message;
      this.pino[target](fields, maskPhonesInText(message.message));
    } else if (typeof message === 'object' && message !== null) {
      this.pino[target]({ ...fields, ...message });
    } else {
      this.pino[target](fields, maskPhonesInText(String(message)));
    }
  }
}
