import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { NatsAccess } from './dead-letter-tools.js';
import { EventStoreClient } from './event-store-client.js';
import { createMcpHttpServer } from './mcp-http.js';
import type { McpEnv } from './mcp-env.js';
import { createMcpServer } from './mcp-tools.js';
import { RefusedTokens } from './refused-tokens.js';

/**
 * Starts the mesh's MCP server: over stdin/stdout for one local assistant, or streamable HTTP on
 * `env.port` at /mcp behind the admin key. Resolves once it serves; diagnostics go to stderr,
 * since over stdio stdout carries the protocol only.
 */
export async function serveMcp(env: McpEnv, transport: 'stdio' | 'http', version: string): Promise<void> {
  const store = new EventStoreClient(env.eventStoreUrl, env.adminApiKey);
  const webhooks = new EventStoreClient(env.webhookDispatcherUrl, env.adminApiKey, 'the webhook-dispatcher');
  const nats = new NatsAccess(env.nats);
  if (transport === 'stdio') {
    const server = createMcpServer({ store, webhooks, nats }, version);
    server.server.onclose = () => void nats.close();
    await server.connect(new StdioServerTransport());
    return;
  }
  if (!env.adminApiKey) throw new Error('ADMIN_API_KEY is not set: the HTTP transport needs it as the bearer token (use stdio for a local assistant)');
  const refusals = env.authRefusals.enabled ? new RefusedTokens(nats, env.authRefusals.windowMs) : undefined;
  const http = createMcpHttpServer(env.adminApiKey, () => createMcpServer({ store, webhooks, nats }, version), refusals);
  await new Promise<void>((resolve, reject) => http.once('error', reject).listen(env.port, resolve));
  process.stderr.write(`mcp: streamable HTTP on http://127.0.0.1:${env.port}/mcp, event store ${env.eventStoreUrl}\n`);
  const shutdown = async () => {
    // The last window's count of refused tokens leaves before NATS closes.
    await refusals?.close();
    await nats.close();
  };
  const stop = () => http.close(() => void shutdown().finally(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
