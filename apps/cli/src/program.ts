import { Command, CommanderError } from 'commander';
import { EXIT, toCliError } from './cli-error.js';
import { addConnectionOptions } from './commands/connection-options.js';
import { dlqCommand } from './commands/dlq.command.js';
import { mcpCommand } from './commands/mcp.command.js';
import { publishCommand } from './commands/publish.command.js';
import { replayCommand } from './commands/replay.command.js';
import { schemasCommand } from './commands/schemas.command.js';
import { statusCommand } from './commands/status.command.js';
import { tailCommand } from './commands/tail.command.js';

/** Every command; usage errors exit 2 through `exitOverride`, so `run` decides every exit code. */
export function buildProgram(version: string): Command {
  const program = new Command('mesh')
    .description('Operate the event mesh: tail events, publish, dead letters, replay, schemas, status, MCP server')
    .version(version, '-V, --version')
    .addHelpText('after', '\nExit codes: 0 ok, 1 failed or something down, 2 bad usage or input, 3 NATS or the event store unreachable.');
  addConnectionOptions(program);
  for (const command of [tailCommand(), publishCommand(), dlqCommand(), replayCommand(), schemasCommand(), statusCommand(), mcpCommand()]) program.addCommand(command);
  // Subcommands inherit the settings (added after them, so `dlq ls` gets them too).
  const configure = (cmd: Command) => {
    cmd.exitOverride();
    cmd.commands.forEach(configure);
  };
  configure(program);
  return program;
}

/** Runs the CLI and resolves to its exit code; an error is one line on stderr, never a stack trace. */
export async function run(argv: string[], version: string): Promise<number> {
  try {
    await buildProgram(version).parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Commander has printed its message (or the help, or the version) already.
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const error = toCliError(err);
    if (error.message) process.stderr.write(`mesh: ${error.message}\n`);
    return error.exitCode;
  }
}
