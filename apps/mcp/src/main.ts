import { createRequire } from 'node:module';
import { mcpEnv } from './mcp-env.js';
import { serveMcp } from './serve.js';

// `node dist/apps/mcp/src/main.js [--stdio]`: HTTP unless --stdio (what `mesh mcp` runs).
const { version } = createRequire(import.meta.url)('../../../../package.json') as { version: string };
serveMcp(mcpEnv(), process.argv.includes('--stdio') ? 'stdio' : 'http', version).catch((err: Error) => {
  process.stderr.write(`mcp: ${err.message}\n`);
  process.exit(1);
});
