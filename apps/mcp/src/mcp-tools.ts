import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { EventStoreError, type EventStoreClient } from './event-store-client.js';
import { registerDeadLetterTools, type NatsAccess } from './dead-letter-tools.js';
import { registerWebhookTools } from './webhook-tools.js';

/** Pages stay small: a model reads every token it is given, and the cursor brings the rest. */
const MAX_PAGE = 200;
const DEFAULT_PAGE = 50;

const asText = (value: unknown): CallToolResult => ({ content: [{ type: 'text', text: JSON.stringify(value, null, 2) }] });

export type ToolRunner = (action: () => Promise<unknown>) => Promise<CallToolResult>;

/** Runs a tool; a refusal (a 4xx with its message, the store unreachable) becomes the tool's error text, which the model reads. */
const run: ToolRunner = async (action) => {
  try {
    return asText(await action());
  } catch (err) {
    return { isError: true, content: [{ type: 'text', text: (err as Error).message }] };
  }
};

const time = (what: string) => z.iso.datetime({ offset: true }).optional().describe(`${what}, ISO 8601 with a zone (2026-12-01T00:00:00Z)`);

/** An unhealthy app answers 503 with its checks: that is the health to show; no answer at all is "unreachable". */
const healthOf = (err: Error): unknown => (err instanceof EventStoreError ? err.body : { status: 'unreachable', error: err.message });

/** Where the tools reach the mesh: the event store's and the webhook-dispatcher's HTTP APIs, and NATS. */
export interface MeshAccess {
  store: EventStoreClient;
  webhooks: EventStoreClient;
  nats: NatsAccess;
}

/**
 * The mesh as MCP tools and resources, over the apps' HTTP APIs. Admin writes carry the
 * connected client's name (from its `initialize`) as the audit event's actor: `mcp:<client name>`.
 */
export function createMcpServer({ store, webhooks, nats }: MeshAccess, version: string): McpServer {
  const server = new McpServer({ name: 'event-mesh', version }, { instructions: 'Query and define the events of the event mesh. Results are paginated: pass nextCursor back as cursor for the next page.' });
  // Printable ASCII, so it travels as a header (X-Audit-Actor) whatever the client calls itself.
  const actor = () => `mcp:${server.server.getClientVersion()?.name ?? 'unknown-client'}`.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);

  server.registerTool(
    'query_events',
    {
      title: 'Query events',
      description: 'Stored events, newest first, filtered (all filters combine with AND). Answers { items, nextCursor }; pass nextCursor as cursor for the next page, until it is null.',
      inputSchema: {
        type: z.string().optional().describe('An event type (vendor.created) or a pattern: vendor.* (one token), vendor.> (one or more)'),
        source: z.string().optional().describe('The publishing service, e.g. vendor-service'),
        resourceType: z.string().optional().describe('The kind of resource the event is about, e.g. vendor'),
        resourceId: z.string().optional().describe('The resource id, with resourceType'),
        level: z.array(z.enum(['debug', 'info', 'success', 'warn', 'error'])).optional().describe('One or more levels'),
        actor: z.string().optional().describe('Who caused the event'),
        correlationId: z.string().optional().describe('Every event of one story (one request and what followed)'),
        from: time('Oldest time, inclusive'),
        to: time('Newest time, exclusive'),
        q: z.string().optional().describe('Text to find in the event data'),
        limit: z.number().int().min(1).max(MAX_PAGE).optional().describe(`Events per page, ${DEFAULT_PAGE} by default, at most ${MAX_PAGE}`),
        cursor: z.string().optional().describe('nextCursor from the previous page'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) => run(() => store.get('/events', { ...args, limit: args.limit ?? DEFAULT_PAGE })),
  );

  server.registerTool(
    'get_event',
    { title: 'Show one event', description: 'One stored event by its id, with its sentences.', inputSchema: { id: z.string().min(1).describe('The event id') }, annotations: { readOnlyHint: true } },
    ({ id }) => run(() => store.get(`/events/${encodeURIComponent(id)}`)),
  );

  server.registerTool(
    'timeline',
    {
      title: 'Timeline of one resource',
      description: 'Every event about one resource, oldest first; includeRelated adds the events of the same stories (correlation ids).',
      inputSchema: {
        resourceType: z.string().min(1).describe('e.g. vendor'),
        resourceId: z.string().min(1).describe('The resource id'),
        includeRelated: z.boolean().optional().describe('Also the events that share a correlation id with them'),
      },
      annotations: { readOnlyHint: true },
    },
    (args) => run(() => store.get('/events/timeline', args)),
  );

  server.registerTool(
    'stats',
    {
      title: 'Event statistics',
      description: 'Counts of events in a window: total, errors, per type, and grouped by type, level, source, hour or day.',
      inputSchema: { from: time('Start of the window'), to: time('End of the window'), groupBy: z.enum(['type', 'level', 'source', 'hour', 'day']).optional().describe('How to group the counts') },
      annotations: { readOnlyHint: true },
    },
    (args) => run(() => store.get('/events/stats', args)),
  );

  server.registerTool(
    'list_schemas',
    { title: 'Event catalogue', description: 'Every event type seen or defined, with counts and the registered JSON Schema versions of its data.', annotations: { readOnlyHint: true } },
    () => run(() => store.get('/events/schemas')),
  );

  server.registerTool(
    'register_schema',
    {
      title: 'Define an event type',
      description:
        'Registers the JSON Schema of the data of an event type, as a new version; producers validate against it at once. Versions only go up. A version that would refuse events the previous version accepted is refused, listing the changes, unless breaking is true. If another registration of the type landed meanwhile, the answer names the version it is now checked against (latestVersion): review the schema against that version and call again. Audited with this client as the actor.',
      inputSchema: {
        type: z.string().describe('The event type, lowercase resource.action tokens: invoice.issued'),
        version: z.number().int().min(1).describe('Above every version registered for the type; 1 for a new type'),
        schema: z.record(z.string(), z.unknown()).describe('A JSON Schema object for the event data, e.g. {"type":"object","required":["id"]}'),
        breaking: z.boolean().optional().describe('Register even though it would refuse events valid under the previous version'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    (args) => run(() => store.post('/events/schemas', { ...args, by: actor() })),
  );

  server.registerTool(
    'publish_event',
    {
      title: 'Publish an event',
      description:
        "Publishes one event on the mesh through the event store's ingest. Its data is checked against the type's registered JSON Schema: a mismatch is refused naming the field. Answers the event's id. Audited with this client as the actor.",
      inputSchema: {
        type: z.string().describe('The event type, lowercase resource.action tokens: invoice.issued'),
        data: z.record(z.string(), z.unknown()).describe("The event's data, a JSON object"),
        level: z.enum(['debug', 'info', 'success', 'warn', 'error']).optional().describe('info by default'),
        subject: z.string().optional().describe('The resource id the event is about'),
        resourceType: z.string().optional().describe('The kind of resource, e.g. invoice'),
        resourceId: z.string().optional().describe('The resource id, with resourceType'),
        actor: z.string().optional().describe('Who caused the event (a user id), if anyone'),
        correlationId: z.string().optional().describe('Ties the event to a story of events already published'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args) => run(() => store.post('/events', args, actor())),
  );

  server.registerTool(
    'resolve_event',
    {
      title: 'Resolve an error',
      description: 'Marks an error-level event as resolved (or, with resolved false, as open again); answers the event. Only error events can be resolved. Audited with this client as the actor.',
      inputSchema: { id: z.string().min(1).describe('The error event id'), resolved: z.boolean().optional().describe('false reopens it; true (the default) resolves it') },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true },
    },
    ({ id, resolved }) => run(() => store.patch(`/events/${encodeURIComponent(id)}/${resolved === false ? 'unresolve' : 'resolve'}`, { by: actor() })),
  );

  server.registerTool(
    'replay_events',
    {
      title: 'Replay stored events to one consumer',
      description:
        'Re-delivers the stored events matching a filter (oldest first) to ONE consumer app, e.g. to rebuild a search index; other apps never see them. Starts a job and answers it at once ({ jobId, state, queued }); read its progress with replay_status. Audited with this client as the actor.',
      inputSchema: {
        consumer: z.string().min(1).describe('The consumer app, e.g. search-sync'),
        type: z.string().optional().describe('An event type or pattern: vendor.*'),
        resourceType: z.string().optional().describe('Only events about this kind of resource'),
        resourceId: z.string().optional().describe('Only events about this resource, with resourceType'),
        id: z.string().optional().describe('One stored event by its id'),
        from: time('Oldest event time, inclusive'),
        to: time('Newest event time, exclusive'),
        limit: z.number().int().min(1).optional().describe('At most this many events'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
    },
    (args) => run(() => store.post('/events/replay', args, actor(), { prefer: 'respond-async' })),
  );

  server.registerTool(
    'replay_status',
    { title: 'Replay progress', description: 'A replay job started by replay_events: state (running, done, cancelled, failed) and how many events were queued.', inputSchema: { jobId: z.string().min(1).describe('jobId from replay_events') }, annotations: { readOnlyHint: true } },
    ({ jobId }) => run(() => store.get(`/events/replay/${encodeURIComponent(jobId)}`)),
  );

  registerDeadLetterTools(server, nats, run, actor);
  registerWebhookTools(server, webhooks, run, actor);

  server.registerResource(
    'catalogue',
    'mesh://catalogue',
    { title: 'Event catalogue', description: 'Every event type with counts and registered JSON Schemas', mimeType: 'application/json' },
    async (uri) => ({ contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(await store.get('/events/schemas')) }] }),
  );
  server.registerResource(
    'health',
    'mesh://health',
    { title: 'Mesh health', description: "Each app's /health/events (the event store's and the webhook-dispatcher's view of NATS, JetStream, PostgreSQL, their consumers and deliveries); status ok when every one is", mimeType: 'application/json' },
    async (uri) => {
      const [eventStore, webhookDispatcher] = await Promise.all([store.get('/health/events').catch(healthOf), webhooks.get('/health/events').catch(healthOf)]);
      const apps = { 'event-store': eventStore, 'webhook-dispatcher': webhookDispatcher };
      const status = Object.values(apps).every((h) => (h as { status?: unknown }).status === 'ok') ? 'ok' : 'degraded';
      return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify({ status, apps }) }] };
    },
  );
  return server;
}
