import type { Command } from 'commander';
import { type ConnectionFlags, natsSettings, type NatsSettings } from '../nats/nats-settings.js';

/** The NATS options of the root command, declared once. */
export function addConnectionOptions(program: Command): Command {
  return program
    .option('-s, --server <urls>', 'NATS server URL(s), comma-separated (env NATS_URL, default nats://127.0.0.1:4222)')
    .option('--creds <file>', 'NATS credentials file (env NATS_CREDS)')
    .option('--user <name>', 'NATS user (env NATS_USER)')
    .option('--password <password>', 'NATS password (env NATS_PASSWORD)');
}

/** The connection settings seen from a subcommand: its root's flags over the environment. */
export const settingsOf = (command: Command): NatsSettings => natsSettings(command.optsWithGlobals<ConnectionFlags>());
