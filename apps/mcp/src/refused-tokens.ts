import { AuthRefusals, type AuthRefusal, createEnvelope, type PublishOptions, type RefusedRequest } from '../../cli/src/mesh-events.js';
import { publishEnvelope } from '../../cli/src/nats/publish-envelope.js';
import type { NatsAccess } from './dead-letter-tools.js';

/** The `source` of what the MCP server publishes itself. */
export const MCP_SOURCE = 'mesh-mcp';

/**
 * The HTTP transport's refused bearer tokens, reported as the apps report their refused API keys:
 * aggregated `http.auth_failed` events (AuthRefusals), source `mesh-mcp`, never the token. Published
 * straight to JetStream over the server's NATS session: this server has no outbox, so with NATS
 * down a report is lost and said so on stderr; the refusal itself never waits for it.
 */
export class RefusedTokens {
  private readonly refusals: AuthRefusals;
  /** Publishes under way, awaited by close() so that the last window's count leaves before NATS closes. */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    private readonly nats: NatsAccess,
    windowMs: number,
  ) {
    this.refusals = new AuthRefusals((type, data, options) => this.track(this.publish(type, data, options)), (line) => process.stderr.write(`mcp: ${line}\n`), windowMs);
  }

  refused(req: RefusedRequest, reason: AuthRefusal): void {
    this.refusals.refused(req, reason);
  }

  /** Reports the open windows' counts and waits for every report to leave (or fail, which is logged). */
  async close(): Promise<void> {
    this.refusals.flush();
    await Promise.allSettled([...this.pending]);
  }

  private async publish(type: string, data: Record<string, unknown>, options: PublishOptions): Promise<void> {
    await publishEnvelope(await this.nats.get(), createEnvelope(type, data, MCP_SOURCE, options));
  }

  private track(sent: Promise<void>): Promise<void> {
    this.pending.add(sent);
    return sent.finally(() => this.pending.delete(sent));
  }
}
