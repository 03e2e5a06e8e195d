import { Command, Option } from 'commander';
import { CliError, EXIT } from '../cli-error.js';
import { settingsOf } from './connection-options.js';

interface McpOptions {
  url: string;
  webhooksUrl: string;
  apiKey?: string;
  http?: boolean;
  port: string;
}

async function mcp(options: McpOptions, command: Command): Promise<void> {
  const port = Number(options.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new CliError(`--port must be a port number (0-65535), got ${options.port}`, EXIT.usage);
  // Loaded here: the other commands start without the MCP SDK.
  const { serveMcp } = await import('../../../mcp/src/serve.js');
  const { mcpEnv } = await import('../../../mcp/src/mcp-env.js');
  // The options over the environment (which keeps the logging switches: ENABLE_SERVER_LOGGING…);
  // NATS as every command reads it (--server, NATS_URL…), for the dead-letter tools.
  const given = { EVENT_STORE_URL: options.url, WEBHOOK_DISPATCHER_URL: options.webhooksUrl, ADMIN_API_KEY: options.apiKey, PORT: String(port) };
  const env = { ...mcpEnv({ ...process.env, ...given }), nats: settingsOf(command) };
  await serveMcp(env, options.http ? 'http' : 'stdio', (command.parent?.version() as string | undefined) ?? '0.0.0');
}

export const mcpCommand = () =>
  new Command('mcp')
    .description("Serve the mesh to an AI assistant over the Model Context Protocol (stdio; --http for streamable HTTP): query events, timelines, stats, schemas, dead letters, webhooks")
    .addOption(new Option('--url <url>', 'the event store the tools read and write').env('EVENT_STORE_URL').default('http://127.0.0.1:3001'))
    .addOption(new Option('--webhooks-url <url>', 'the webhook-dispatcher the webhook tools read and write').env('WEBHOOK_DISPATCHER_URL').default('http://127.0.0.1:3003'))
    .addOption(new Option('--api-key <key>', 'its admin key; over HTTP also the bearer token clients must send').env('ADMIN_API_KEY'))
    .option('--http', 'streamable HTTP at http://127.0.0.1:<port>/mcp instead of stdio')
    .addOption(new Option('--port <port>', 'the HTTP port').env('MCP_PORT').default('3006'))
    .addHelpText('after', '\nExamples:\n  mesh mcp                      (in an assistant\'s MCP configuration: command "npx", args ["mesh", "mcp"])\n  mesh mcp --http --port 3006')
    .action(mcp);
