import { readFileSync } from 'node:fs';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { EventStoreClient } from './event-store-client.js';
import { createMcpHttpServer } from './mcp-http.js';
import { mcpEnv } from './mcp-env.js';
import { createMcpServer } from './mcp-tools.js';

/**
 * The mesh's MCP server. `--stdio` (what `mesh mcp` runs) serves one local assistant on
 * stdin/stdout; otherwise streamable HTTP on PORT at /mcp, behind the admin key as bearer token.
 * Diagnostics go to stderr: over stdio, stdout carries the protocol only.
 */
async function main(): Promise<void> {
  const env = mcpEnv();
  const { version } = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
  const store = new EventStoreClient(env.eventStoreUrl, env.adminApiKey);
  if (process.argv.includes('--stdio')) {
    await createMcpServer(store, version).connect(new StdioServerTransport());
    return;
  }
  if (!env.adminApiKey) throw new Error('ADMIN_API_KEY is not set: the HTTP transport needs it as the bearer token (use --stdio for a local assistant)');
  const http = createMcpHttpServer(env.adminApiKey, () => createMcpServer(store, version));
  http.listen(env.port, () => process.stderr.write(`mcp: streamable HTTP on http://127.0.0.1:${env.port}/mcp, event store ${env.eventStoreUrl}\n`));
  const stop = () => http.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: Error) => {
  process.stderr.write(`mcp: ${err.message}\n`);
  process.exit(1);
});
