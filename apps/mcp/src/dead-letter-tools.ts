import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { recordCliAudit } from '../../cli/src/audit/cli-audit.js';
import { openSession, type Session } from '../../cli/src/nats/connect.js';
import type { NatsSettings } from '../../cli/src/nats/nats-settings.js';
import { DeadLetterStore } from '../../cli/src/mesh-events.js';
import type { ToolRunner } from './mcp-tools.js';
import { MCP_SOURCE } from './refused-tokens.js';

const MAX_LETTERS = 100;

/** One NATS session for the server's lifetime, opened at the first dead-letter call (reads alone never need NATS). */
export class NatsAccess {
  private session?: Promise<Session>;
  constructor(private readonly settings: NatsSettings) {}

  get(): Promise<Session> {
    this.session ??= openSession(this.settings, { reconnect: true });
    this.session.catch(() => (this.session = undefined));
    return this.session;
  }

  async close(): Promise<void> {
    const open = this.session;
    this.session = undefined;
    if (open) await (await open.catch(() => undefined))?.nc.close();
  }
}

/** Dead letters in EVENTS_DLQ: list, show, redrive (audited as `mcp:<client>`, source `mesh-mcp`). */
export function registerDeadLetterTools(server: McpServer, nats: NatsAccess, run: ToolRunner, actor: () => string): void {
  const store = async () => new DeadLetterStore((await nats.get()).jsm);
  const filter = {
    consumer: z.string().optional().describe('The consumer app that failed them, e.g. search-sync'),
    type: z.string().optional().describe('An event type or pattern: vendor.created, vendor.*, order.>'),
  };

  server.registerTool(
    'list_dead_letters',
    {
      title: 'List dead letters',
      description: `Events a consumer app could not handle, newest first, with the reason and the error; depth per consumer and the total matching. At most ${MAX_LETTERS} at a time.`,
      inputSchema: { ...filter, limit: z.number().int().min(1).max(MAX_LETTERS).optional().describe('How many, 20 by default') },
      annotations: { readOnlyHint: true },
    },
    ({ consumer, type, limit }) =>
      run(async () => {
        const dlq = await store();
        const [depth, total, items] = await Promise.all([dlq.depthByConsumer(), dlq.count({ consumer, type }), dlq.list({ consumer, type, limit: limit ?? 20 })]);
        return { depth, total, items };
      }),
  );

  server.registerTool(
    'show_dead_letter',
    { title: 'Show a dead letter', description: 'One dead letter by its sequence (seq from list_dead_letters): reason, error, headers and the original event.', inputSchema: { seq: z.number().int().min(1).describe('Its DLQ sequence') }, annotations: { readOnlyHint: true } },
    ({ seq }) => run(async () => (await store()).show(seq)),
  );

  server.registerTool(
    'redrive_dead_letters',
    {
      title: 'Redrive dead letters',
      description: 'Sends dead letters back to the consumer app that failed them, and to no other, then removes them from the dead-letter stream. Answers what was redriven and what failed. Audited with this client as the actor.',
      inputSchema: { seqs: z.array(z.number().int().min(1)).min(1).max(MAX_LETTERS).describe('Sequences from list_dead_letters') },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    },
    ({ seqs }) =>
      run(async () => {
        const session = await nats.get();
        const report = await new DeadLetterStore(session.jsm).redriveMany(seqs);
        const consumers = [...new Set(report.redriven.map((r) => r.consumer))];
        await recordCliAudit(
          session,
          { action: 'dead_letters_redriven', target: { type: 'dlq', ...(consumers.length === 1 ? { id: consumers[0] } : {}) }, details: { redriven: report.redriven.map((r) => r.dlqSeq), failed: report.failed } },
          { actor: actor(), source: MCP_SOURCE },
        );
        return report;
      }),
  );
}
