import { CliError } from '../cli-error.js';
import { auditEvent, type AuditEntry, CLI_ACTOR, createEnvelope } from '../mesh-events.js';
import type { Session } from '../nats/connect.js';
import { publishEnvelope } from '../nats/publish-envelope.js';

/** The `source` of what the CLI publishes itself. */
const CLI_SOURCE = 'mesh-cli';

/**
 * Publishes the `audit.*` event of an admin action done from the CLI (actor `cli`), awaiting
 * JetStream's ack: the operator is told when the action happened but its record did not.
 * `as` names another tool on the CLI's connection code (the MCP server: its client, its source).
 */
export async function recordCliAudit(session: Session, entry: Omit<AuditEntry, 'actor'>, as: { actor: string; source: string } = { actor: CLI_ACTOR, source: CLI_SOURCE }): Promise<void> {
  const { type, data, options } = auditEvent({ ...entry, actor: as.actor });
  const event = createEnvelope(type, data, as.source, options);
  try {
    await publishEnvelope(session, event);
  } catch (err) {
    throw new CliError(`The ${entry.action.replace(/_/g, ' ')} happened, but its audit event ${type} was not recorded: ${(err as Error).message}`);
  }
}
