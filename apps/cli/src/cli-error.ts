import { InvalidArgumentError } from 'commander';
import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import { InvalidEventTypeError, SchemaValidationError } from './mesh-events.js';

/** Exit codes of `mesh` (README "Exit codes"). */
export const EXIT = {
  ok: 0,
  /** The operation failed, or `status` found something down. */
  failed: 1,
  /** Bad usage or invalid input: unknown option, bad event type, JSON that does not parse. */
  usage: 2,
  /** NATS or the event store could not be reached. */
  unreachable: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one line, with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const usageError = (message: string) => new CliError(message, EXIT.usage);

/** Turns a validator that throws into a commander argument parser (commander prints the message, we exit 2). */
export function argParser<T>(parse: (value: string, previous: T) => T): (value: string, previous: T) => T {
  return (value, previous) => {
    try {
      return parse(value, previous);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };
}

/** Known failures of the client or server, said in the mesh's terms. */
function explain(err: Error): CliError {
  if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) {
    return new CliError(`${err.message}: start any mesh app once, it creates the streams EVENTS, EVENTS_DLQ and EVENTS_REPLAY`);
  }
  if (/no responders/i.test(err.message)) {
    return new CliError(`${err.message}: no stream takes this subject; start any mesh app once, it creates the streams`);
  }
  return new CliError(err.message || String(err));
}

/** Any thrown value as a CliError: its one line and exit code. */
export function toCliError(err: unknown): CliError {
  if (err instanceof CliError) return err;
  if (err instanceof InvalidEventTypeError || err instanceof SchemaValidationError) return usageError(err.message);
  if (err instanceof Error) return explain(err);
  return new CliError(String(err));
}
