import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RefusedTokens } from './refused-tokens.js';

const MAX_BODY_BYTES = 1_048_576;
const MCP_PATH = '/mcp';

const sameSecret = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

function answer(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
}

/**
 * Streamable HTTP at `/mcp`, one MCP session per client (the session keeps the client's name for
 * the audit actor). Every request needs `Authorization: Bearer <ADMIN_API_KEY>`; without a key
 * configured the server refuses to start, since its tools reach admin routes. A refusal is reported
 * to `refusals` (aggregated `http.auth_failed`), when given.
 */
export function createMcpHttpServer(token: string, newServer: () => McpServer, refusals?: RefusedTokens): Server {
  const sessions = new Map<string, StreamableHTTPServerTransport>();
  return createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (url.pathname !== MCP_PATH) return answer(res, 404, `no route ${url.pathname}: the MCP endpoint is ${MCP_PATH}`);
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('Bearer ') || !sameSecret(auth.slice('Bearer '.length), token)) {
        // The route is the endpoint's (no ids in it); the token sent is never passed on.
        refusals?.refused({ method: req.method, socket: req.socket, route: { path: MCP_PATH } }, auth.startsWith('Bearer ') ? 'wrong_key' : 'missing_key');
        return answer(res, 401, 'send the admin key as Authorization: Bearer <ADMIN_API_KEY>', { 'www-authenticate': 'Bearer' });
      }
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      const sessionId = req.headers['mcp-session-id'];
      let transport = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
      if (!transport) {
        if (req.method !== 'POST' || !isInitializeRequest(body)) return answer(res, 400, 'no such MCP session: start one with an initialize request (without mcp-session-id)');
        const created = new StreamableHTTPServerTransport({ sessionIdGenerator: () => randomUUID(), onsessioninitialized: (id) => void sessions.set(id, created) });
        created.onclose = () => {
          if (created.sessionId) sessions.delete(created.sessionId);
        };
        await newServer().connect(created);
        transport = created;
      }
      await transport.handleRequest(req, res, body);
    })().catch((err: Error) => {
      if (!res.headersSent) answer(res, err instanceof SyntaxError ? 400 : 500, err instanceof SyntaxError ? `the body is not JSON: ${err.message}` : err.message);
    });
  });
}
