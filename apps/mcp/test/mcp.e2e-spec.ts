import { type ChildProcess, spawn } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import request from 'supertest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { connect, headers, type NatsConnection } from '@nats-io/transport-node';
import { jetstream } from '@nats-io/jetstream';
import { createEnvelope, subjectForType, uuidv7, type AuditData, type CloudEvent } from '@app/events/internal';
import { ADMIN_KEYS, Collector, freePort, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { RunningEventStore, startEventStore, storeTestConfig } from '../../event-store/test/support.js';
import { dispatcherTestConfig, startDispatcher, type RunningDispatcher } from '../../webhook-dispatcher/test/support.js';
import { Receiver } from '../../webhook-dispatcher/test/receiver.js';
import { startVendorService, type RunningVendorService } from '../../vendor-service/test/support.js';
import { EventStoreClient } from '../src/event-store-client.js';
import { createMcpHttpServer } from '../src/mcp-http.js';
import { createMcpServer } from '../src/mcp-tools.js';
import { NatsAccess } from '../src/dead-letter-tools.js';
import { RefusedTokens } from '../src/refused-tokens.js';
import { natsSettings } from '../../cli/src/nats/nats-settings.js';

const KEY = ADMIN_KEYS.mcp;
const WRONG = ADMIN_KEYS.mcpWrong;
const WAIT = { timeoutMs: 60_000 };
const HISTORY = 1_000;

const json = <T>(result: unknown): T => {
  const r = result as CallToolResult;
  if (r.isError) throw new Error(`tool error: ${(r.content[0] as { text: string }).text}`);
  return JSON.parse((r.content[0] as { text: string }).text) as T;
};

describe('mcp: the mesh over the Model Context Protocol, SDK Client over streamable HTTP and stdio (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let dispatcherDb: TestDatabase;
  let vendorDb: TestDatabase;
  let store: RunningEventStore;
  let dispatcher: RunningDispatcher;
  let vendors: RunningVendorService;
  let receiver: Receiver;
  let nc: NatsConnection;
  let http: Server;
  let mcpUrl: URL;
  let natsAccess: NatsAccess;
  let refusals: RefusedTokens;
  const audits = new Collector<CloudEvent<AuditData>>();
  const authFailed = new Collector<CloudEvent<{ method: string; route: string; reason: string; remote: string; count: number; window_end: string | null }>>();
  const clients: Client[] = [];
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('mcp_store');
    dispatcherDb = await TestDatabase.create('mcp_webhooks');
    vendorDb = await TestDatabase.create('mcp_vendors');
    store = await startEventStore(storeTestConfig(nats, db, { adminApiKey: KEY }));
    // One admin key for the whole mesh, as the MCP server sends one key to every app.
    const dispatcherConfig = dispatcherTestConfig(nats, dispatcherDb);
    dispatcher = await startDispatcher({ ...dispatcherConfig, events: { ...dispatcherConfig.events, adminApiKey: KEY } });
    vendors = await startVendorService({ natsServers: [nats.url], databaseUrl: vendorDb.url });
    receiver = await Receiver.start();
    nc = await connect({ servers: nats.url });
    nc.subscribe('events.audit.>', {
      callback: (err, msg) => {
        if (!err) audits.push(msg.json<CloudEvent<AuditData>>());
      },
    });
    nc.subscribe('events.http.auth_failed', {
      callback: (err, msg) => {
        if (!err) authFailed.push(msg.json());
      },
    });
    await nc.flush();
    natsAccess = new NatsAccess(natsSettings({}, { NATS_URL: nats.url }));
    const access = { store: new EventStoreClient(store.url, KEY), webhooks: new EventStoreClient(dispatcher.url, KEY, 'the webhook-dispatcher'), nats: natsAccess };
    // As serve.ts wires it with ENABLE_SERVER_LOGGING on; a short window, so that its count arrives within the test.
    refusals = new RefusedTokens(natsAccess, 2_000);
    http = createMcpHttpServer(KEY, () => createMcpServer(access, 'test'), refusals);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    mcpUrl = new URL(`http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`);
  });

  afterAll(async () => {
    for (const c of clients) await c.close();
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await new Promise((resolve) => http?.close(resolve));
    await refusals?.close();
    await natsAccess?.close();
    await nc?.close();
    await receiver?.close();
    await vendors?.app.close();
    await dispatcher?.close();
    await store?.close();
    await nats?.close();
    await db?.drop();
    await dispatcherDb?.drop();
    await vendorDb?.drop();
  });

  async function httpClient(name: string, token: string = KEY): Promise<Client> {
    const client = new Client({ name, version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl, { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
    clients.push(client);
    return client;
  }

  it('refuses a call without the admin key as bearer token, or with a wrong one, and reports them as aggregated http.auth_failed, never the token', async () => {
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } };
    const post = (headers: Record<string, string> = {}) =>
      fetch(mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers }, body: JSON.stringify(init) });
    const none = await post();
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    await expect(httpClient('intruder', WRONG)).rejects.toThrow(/401|Unauthorized|Bearer/);
    const wrong = await post({ authorization: `Bearer ${WRONG}` });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as { error: { message: string } }).error.message).toContain('Authorization: Bearer <ADMIN_API_KEY>');

    // The first refusal from this address and route at once (count 1, no window end)...
    const [first] = await authFailed.waitForCount(1, 30_000);
    expect(first).toMatchObject({ source: 'mesh-mcp', level: 'warn', audience: 'admin', category: 'Security', data: { method: 'POST', route: '/mcp', reason: 'missing_key', count: 1, window_end: null } });
    expect(first.data.remote).toMatch(/127\.0\.0\.1/);
    // ...then the window's count at its end, with the latest reason: one report per window, not one per refusal.
    const counted = await waitFor(() => authFailed.items.find((e) => e.data.window_end !== null && e.data.reason === 'wrong_key'), { timeoutMs: 30_000, intervalMs: 50, message: "no http.auth_failed with the window's count" });
    expect(counted).toMatchObject({ source: 'mesh-mcp', data: { method: 'POST', route: '/mcp' } });
    expect(authFailed.items.reduce((n, e) => n + e.data.count, 0)).toBe(3);
    expect(JSON.stringify(authFailed.items)).not.toContain(WRONG);
  });

  it("mesh mcp --http with ENABLE_SERVER_LOGGING=true reports a wrong token as http.auth_failed, and on SIGTERM the open window's count", async () => {
    const port = await freePort();
    const from = authFailed.items.length;
    const env = { PATH: process.env.PATH ?? '', EVENT_STORE_URL: store.url, WEBHOOK_DISPATCHER_URL: dispatcher.url, ADMIN_API_KEY: KEY, NATS_URL: nats.url, ENABLE_SERVER_LOGGING: 'true' };
    const child = spawn(process.execPath, ['dist/apps/cli/main.js', 'mcp', '--http', '--port', String(port)], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await waitFor(() => stderr.includes('streamable HTTP on') || undefined, { ...WAIT, message: 'mesh mcp --http did not start' }).catch((err: Error) => {
      throw new Error(`${err.message}; its stderr: ${stderr}`);
    });

    for (let i = 0; i < 2; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${WRONG}` }, body: '{}' });
      expect(res.status).toBe(401);
    }
    const mine = () => authFailed.items.slice(from);
    const first = await waitFor(() => mine()[0], { ...WAIT, message: 'no http.auth_failed from mesh mcp --http' });
    expect(first).toMatchObject({ source: 'mesh-mcp', data: { method: 'POST', route: '/mcp', reason: 'wrong_key', count: 1, window_end: null } });

    // The second refusal waits in the (default one-minute) window: SIGTERM publishes it before NATS closes.
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const counted = await waitFor(() => mine().find((e) => e.data.window_end !== null), { ...WAIT, message: "the window's count was not published on SIGTERM" });
    expect(counted!.data).toMatchObject({ reason: 'wrong_key', count: 1 });
    expect(stderr).toContain('refused 1 POST /mcp request(s)');
    expect(stderr + JSON.stringify(mine())).not.toContain(WRONG);
  });

  it('lists the tools, each input described for a model, and the resources', async () => {
    const client = await httpClient('lister');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'create_webhook', 'get_event', 'list_dead_letters', 'list_schemas', 'list_webhooks', 'pause_webhook', 'publish_event', 'query_events',
      'redrive_dead_letters', 'register_schema', 'replay_events', 'replay_status', 'resolve_event', 'show_dead_letter', 'stats', 'timeline', 'webhook_deliveries',
    ]);
    // Every tool and every field of its input says what it is, for the model to follow.
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(20);
      for (const [field, prop] of Object.entries((tool.inputSchema.properties ?? {}) as Record<string, { description?: string }>)) {
        expect(`${tool.name}.${field}: ${prop.description ?? ''}`).toMatch(new RegExp(`^${tool.name}\\.${field}: .{4,}`));
      }
    }
    const query = tools.find((t) => t.name === 'query_events')!;
    expect(query.description).toContain('nextCursor');
    expect((query.inputSchema.properties as Record<string, { description?: string }>).cursor.description).toContain('nextCursor');
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(['mesh://catalogue', 'mesh://health']);
    const health = await client.readResource({ uri: 'mesh://health' });
    expect(JSON.parse((health.contents[0] as { text: string }).text)).toMatchObject({ status: 'ok', apps: { 'event-store': { status: 'ok' }, 'webhook-dispatcher': { status: 'ok' } } });
  });

  it("reports an app that does not answer as unreachable in mesh://health, and as the webhook tools' error", async () => {
    const server = createMcpServer({ store: new EventStoreClient(store.url, KEY), webhooks: new EventStoreClient('http://127.0.0.1:1', KEY, 'the webhook-dispatcher'), nats: natsAccess }, 'test');
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'no-dispatcher', version: '1.0.0' });
    await client.connect(clientSide);
    clients.push(client);
    const health = JSON.parse(((await client.readResource({ uri: 'mesh://health' })).contents[0] as { text: string }).text) as { status: string; apps: Record<string, { status: string; error?: string }> };
    expect(health).toMatchObject({ status: 'degraded', apps: { 'event-store': { status: 'ok' }, 'webhook-dispatcher': { status: 'unreachable' } } });
    expect(health.apps['webhook-dispatcher'].error).toContain('the webhook-dispatcher at http://127.0.0.1:1 is unreachable');
    const listed = (await client.callTool({ name: 'list_webhooks', arguments: {} })) as CallToolResult;
    expect(listed.isError).toBe(true);
    expect((listed.content[0] as { text: string }).text).toContain('the webhook-dispatcher at http://127.0.0.1:1 is unreachable');
  });

  it(`pages through ${HISTORY} events with the cursor, each once, and reads one event and the timeline`, async () => {
    const js = jetstream(nc);
    const ids: string[] = [];
    for (let i = 0; i < HISTORY; i++) {
      const event = createEnvelope('ticket.opened', { n: i }, 'mcp-test', { id: uuidv7(), resourceType: 'ticket', resourceId: `t-${i % 10}` });
      ids.push(event.id);
      await js.publish(subjectForType(event.type), JSON.stringify(event), { msgID: event.id });
    }
    await waitFor(async () => (await request(store.url).get(`/events/${ids[HISTORY - 1]}`).set('X-Api-Key', KEY)).status === 200 && (await request(store.url).get(`/events/${ids[0]}`).set('X-Api-Key', KEY)).status === 200, { ...WAIT, message: 'the history was not stored' });
    const client = await httpClient('pager');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = json<{ items: Array<{ id: string }>; nextCursor: string | null }>(await client.callTool({ name: 'query_events', arguments: { type: 'ticket.*', limit: 200, ...(cursor ? { cursor } : {}) } }));
      expect(page.items.length).toBeLessThanOrEqual(200);
      seen.push(...page.items.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(pages).toBeGreaterThanOrEqual(5);
    expect(new Set(seen).size).toBe(HISTORY);
    expect([...seen].sort()).toEqual([...ids].sort());

    expect(json<{ id: string; data: unknown }>(await client.callTool({ name: 'get_event', arguments: { id: ids[7] } }))).toMatchObject({ id: ids[7], data: { n: 7 } });
    const timeline = json<{ items: Array<{ resourceId: string }> }>(await client.callTool({ name: 'timeline', arguments: { resourceType: 'ticket', resourceId: 't-3' } }));
    expect(timeline.items).toHaveLength(HISTORY / 10);
    const stats = json<{ types: Array<{ type: string; count: number }> }>(await client.callTool({ name: 'stats', arguments: { groupBy: 'type' } }));
    expect(stats.types.find((t) => t.type === 'ticket.opened')?.count).toBe(HISTORY);

    // Replayed to one consumer (the store itself: it keeps each event once), as a job, audited as the client.
    const job = json<{ jobId: string }>(await client.callTool({ name: 'replay_events', arguments: { consumer: 'event-store', type: 'ticket.opened', resourceType: 'ticket', resourceId: 't-3' } }));
    const done = await waitFor(
      async () => {
        const state = json<{ state: string; queued: number }>(await client.callTool({ name: 'replay_status', arguments: { jobId: job.jobId } }));
        return state.state === 'running' ? undefined : state;
      },
      { ...WAIT, message: 'the replay job did not finish' },
    );
    expect(done).toMatchObject({ state: 'done', queued: HISTORY / 10 });
    const replayed = await waitFor(() => audits.items.find((a) => a.type === 'audit.events_replayed' && a.data.consumer === 'event-store'), { ...WAIT, message: 'no audit.events_replayed' });
    expect(replayed?.actor).toBe('mcp:pager');

    // A refusal comes back as the tool's error, with the store's message for the model to act on.
    const bad = (await client.callTool({ name: 'get_event', arguments: { id: 'no-such-event' } })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect((bad.content[0] as { text: string }).text).toContain('404');
  });

  it('registers a schema audited with the client as actor; a bad publish is then refused naming the field', async () => {
    const client = await httpClient('test-assistant');
    const schema = { type: 'object', required: ['ticketId'], properties: { ticketId: { type: 'string' } } };
    const registered = json<{ id: string }>(await client.callTool({ name: 'register_schema', arguments: { type: 'ticket.closed', version: 1, schema } }));
    expect(registered.id).toBe('mesh:schema:ticket.closed:v1');
    const audit = await waitFor(() => audits.items.find((a) => a.type === 'audit.event_schema_registered' && a.data.target.id === 'ticket.closed.v1'), { ...WAIT, message: 'no audit event for the registration' });
    expect(audit?.actor).toBe('mcp:test-assistant');

    // Published through the tool: refused naming the field, then accepted, stored, and audited as this client.
    const refused = (await client.callTool({ name: 'publish_event', arguments: { type: 'ticket.closed', data: { ticketId: 5 } } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect((refused.content[0] as { text: string }).text).toContain('data.ticketId: must be string');
    const from = audits.items.length;
    const published = json<{ results: Array<{ ok: boolean; id: string }> }>(
      await client.callTool({ name: 'publish_event', arguments: { type: 'ticket.closed', data: { ticketId: 't-9' }, resourceType: 'ticket', resourceId: 't-9' } }),
    );
    const id = published.results[0].id;
    await waitFor(async () => (await request(store.url).get(`/events/${id}`).set('X-Api-Key', KEY)).status === 200, { ...WAIT, message: 'the published event was not stored' });
    const ingested = await waitFor(() => audits.items.slice(from).find((a) => a.type === 'audit.events_ingested' && a.data.accepted === 1), { ...WAIT, message: 'no audit.events_ingested' });
    expect(ingested?.actor).toBe('mcp:test-assistant');

    const again = (await client.callTool({ name: 'register_schema', arguments: { type: 'ticket.closed', version: 1, schema } })) as CallToolResult;
    expect(again.isError).toBe(true);
    expect((again.content[0] as { text: string }).text).toContain('send version 2');
    const catalogue = json<{ types: Array<{ type: string; schemaVersions: number[] }> }>(await client.callTool({ name: 'list_schemas', arguments: {} }));
    expect(catalogue.types.find((t) => t.type === 'ticket.closed')?.schemaVersions).toEqual([1]);
  });

  it('resolves an error event and reopens it, audited as the client', async () => {
    const client = await httpClient('resolver');
    const published = json<{ results: Array<{ id: string }> }>(await client.callTool({ name: 'publish_event', arguments: { type: 'ticket.failed', level: 'error', data: { ticketId: 't-1' } } }));
    const id = published.results[0].id;
    await waitFor(async () => (await request(store.url).get(`/events/${id}`).set('X-Api-Key', KEY)).status === 200, { ...WAIT, message: 'the error event was not stored' });
    expect(json<{ resolved: boolean; resolvedBy: string }>(await client.callTool({ name: 'resolve_event', arguments: { id } }))).toMatchObject({ resolved: true, resolvedBy: 'mcp:resolver' });
    expect(json<{ resolved: boolean }>(await client.callTool({ name: 'resolve_event', arguments: { id, resolved: false } }))).toMatchObject({ resolved: false });
    const resolvedAudit = await waitFor(() => audits.items.find((a) => a.type === 'audit.event_resolved' && a.data.target.id === id), { ...WAIT, message: 'no audit.event_resolved' });
    expect(resolvedAudit?.actor).toBe('mcp:resolver');
    await waitFor(() => audits.items.find((a) => a.type === 'audit.event_unresolved' && a.data.target.id === id && a.actor === 'mcp:resolver'), { ...WAIT, message: 'no audit.event_unresolved' });
  });

  it('lists, shows and redrives a dead letter to the consumer that failed it, which then handles it; audited as the client', async () => {
    // A letter as a consumer writes it when it gives up (here the event store, so its replay durable handles the redrive).
    const event = createEnvelope('ticket.lost', { ticketId: 't-404' }, 'mcp-test', { id: uuidv7() });
    const h = headers();
    h.set('Mesh-Dlq-Consumer', 'event-store');
    h.set('Mesh-Dlq-Reason', 'max_deliveries');
    h.set('Mesh-Error', 'PostgreSQL was down');
    h.set('Mesh-Original-Subject', subjectForType(event.type));
    await jetstream(nc).publish('dlq.event-store.ticket.lost', JSON.stringify(event), { headers: h });
    expect((await request(store.url).get(`/events/${event.id}`).set('X-Api-Key', KEY)).status).toBe(404);

    const client = await httpClient('dlq-assistant');
    const list = json<{ total: number; depth: Record<string, number>; items: Array<{ seq: number; type: string; reason: string }> }>(
      await client.callTool({ name: 'list_dead_letters', arguments: { consumer: 'event-store' } }),
    );
    expect(list).toMatchObject({ total: 1, depth: { 'event-store': 1 }, items: [{ type: 'ticket.lost', reason: 'max_deliveries', error: 'PostgreSQL was down' }] });
    const { seq } = list.items[0];
    expect(json<{ envelope: { id: string } }>(await client.callTool({ name: 'show_dead_letter', arguments: { seq } })).envelope.id).toBe(event.id);

    const report = json<{ redriven: Array<{ dlqSeq: number; consumer: string }>; failed: unknown[] }>(await client.callTool({ name: 'redrive_dead_letters', arguments: { seqs: [seq] } }));
    expect(report).toEqual({ redriven: [expect.objectContaining({ dlqSeq: seq, consumer: 'event-store' })], failed: [] });
    await waitFor(async () => (await request(store.url).get(`/events/${event.id}`).set('X-Api-Key', KEY)).status === 200, { ...WAIT, message: 'the redriven event was not handled by the event store' });
    expect(json<{ total: number }>(await client.callTool({ name: 'list_dead_letters', arguments: { consumer: 'event-store' } })).total).toBe(0);
    const audit = await waitFor(() => audits.items.find((a) => a.type === 'audit.dead_letters_redriven'), { ...WAIT, message: 'no audit.dead_letters_redriven' });
    expect(audit).toMatchObject({ actor: 'mcp:dlq-assistant', source: 'mesh-mcp', data: { redriven: [seq], target: { type: 'dlq', id: 'event-store' } } });

    const unknown = (await client.callTool({ name: 'show_dead_letter', arguments: { seq: 999_999 } })) as CallToolResult;
    expect(unknown.isError).toBe(true);
  });

  it('subscribes, pauses and resumes a webhook and reads its delivery log; secret masked, writes audited as the client', async () => {
    const client = await httpClient('webhook-assistant');
    const created = json<{ id: string; secret: string; active: boolean; eventTypes: string[] }>(
      await client.callTool({ name: 'create_webhook', arguments: { name: 'mcp hooks', url: receiver.url, eventTypes: ['parcel.*'] } }),
    );
    expect(created).toMatchObject({ active: true, eventTypes: ['parcel.*'] });
    expect(created.secret).toMatch(/^whsec_…[A-Za-z0-9+/=]{4}$/);
    const audit = await waitFor(() => audits.items.find((a) => a.type === 'audit.subscription_created' && a.data.target.id === created.id), { ...WAIT, message: 'no audit.subscription_created' });
    expect(audit?.actor).toBe('mcp:webhook-assistant');
    // The full secret is in the dispatcher (it signs), never in the tool's answer or the audit event.
    expect(JSON.stringify(audit)).not.toContain('whsec_');

    const listed = json<{ items: Array<{ id: string; active: boolean }>; nextOffset: number | null }>(await client.callTool({ name: 'list_webhooks', arguments: {} }));
    expect(listed).toEqual({ items: [expect.objectContaining({ id: created.id, active: true })], nextOffset: null });

    const sent = json<{ results: Array<{ id: string }> }>(await client.callTool({ name: 'publish_event', arguments: { type: 'parcel.shipped', data: { parcelId: 'p-1' } } })).results[0].id;
    await waitFor(() => receiver.deliveredEvents.some((e) => e.id === sent), { ...WAIT, message: 'the webhook never received parcel.shipped' });
    const log = await waitFor(
      async () => {
        const page = json<{ items: Array<{ eventId: string; status: string; attemptLog: Array<{ responseStatus: number; requestHeaders: Record<string, string> }> }>; nextCursor: string | null }>(
          await client.callTool({ name: 'webhook_deliveries', arguments: { subscriptionId: created.id } }),
        );
        return page.items.find((d) => d.eventId === sent && d.status === 'succeeded') ? page : undefined;
      },
      { ...WAIT, message: 'the delivery log never showed the delivery succeeded' },
    );
    const delivery = log!.items.find((d) => d.eventId === sent)!;
    expect(delivery.attemptLog).toEqual([expect.objectContaining({ responseStatus: 200 })]);
    expect(delivery.attemptLog[0].requestHeaders['webhook-signature']).toBe('v1,<redacted>');

    // Paused: the next event waits, the endpoint hears nothing; resumed: it goes out.
    const paused = json<{ active: boolean }>(await client.callTool({ name: 'pause_webhook', arguments: { id: created.id } }));
    expect(paused.active).toBe(false);
    const disabled = await waitFor(() => audits.items.find((a) => a.type === 'audit.subscription_disabled' && a.data.target.id === created.id), { ...WAIT, message: 'no audit.subscription_disabled' });
    expect(disabled?.actor).toBe('mcp:webhook-assistant');
    const waiting = json<{ results: Array<{ id: string }> }>(await client.callTool({ name: 'publish_event', arguments: { type: 'parcel.shipped', data: { parcelId: 'p-2' } } })).results[0].id;
    await waitFor(
      async () => json<{ items: Array<{ eventId: string; status: string }> }>(await client.callTool({ name: 'webhook_deliveries', arguments: { subscriptionId: created.id, status: 'paused' } })).items.some((d) => d.eventId === waiting),
      { ...WAIT, message: 'the delivery did not wait while paused' },
    );
    expect(receiver.requests.items.some((r) => JSON.parse(r.body).id === waiting)).toBe(false);
    expect(json<{ items: unknown[] }>(await client.callTool({ name: 'list_webhooks', arguments: { active: true } })).items).toEqual([]);
    const resumed = json<{ active: boolean }>(await client.callTool({ name: 'pause_webhook', arguments: { id: created.id, resume: true } }));
    expect(resumed.active).toBe(true);
    await waitFor(() => receiver.deliveredEvents.some((e) => e.id === waiting), { ...WAIT, message: 'the waiting delivery never went out after resume' });
    await waitFor(() => audits.items.find((a) => a.type === 'audit.subscription_enabled' && a.data.target.id === created.id && a.actor === 'mcp:webhook-assistant'), { ...WAIT, message: 'no audit.subscription_enabled' });

    // Pages of one through the delivery log with the dispatcher's cursor: each delivery once.
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = json<{ items: Array<{ id: string }>; nextCursor: string | null }>(await client.callTool({ name: 'webhook_deliveries', arguments: { subscriptionId: created.id, limit: 1, ...(cursor ? { cursor } : {}) } }));
      ids.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor && ids.length < 10);
    expect(new Set(ids).size).toBe(2);
    expect(ids).toHaveLength(2);

    // The dispatcher's refusals reach the model naming the field.
    const bad = (await client.callTool({ name: 'create_webhook', arguments: { name: 'bad', url: receiver.url, eventTypes: ['Not A Type'] } })) as CallToolResult;
    expect(bad.isError).toBe(true);
    expect((bad.content[0] as { text: string }).text).toMatch(/the webhook-dispatcher answered 400: .*eventTypes/);
  });

  it('queries the events a vendor write created, and the vendor\'s timeline', async () => {
    const vendor = (await request(vendors.url).post('/vendors').send({ name: 'MCP Tacos' }).expect(201)).body as { id: string };
    await request(vendors.url).patch(`/vendors/${vendor.id}`).send({ name: 'MCP Tacos & Co' }).expect(200);
    const client = await httpClient('vendor-reader');
    const page = await waitFor(
      async () => {
        const p = json<{ items: Array<{ type: string; source: string; data: { name: string } }> }>(await client.callTool({ name: 'query_events', arguments: { type: 'vendor.*', resourceType: 'vendor', resourceId: vendor.id } }));
        return p.items.length === 2 ? p : undefined;
      },
      { ...WAIT, message: "the vendor's events were not stored" },
    );
    expect(page!.items.map((e) => [e.type, e.source])).toEqual([['vendor.updated', 'vendor-service'], ['vendor.created', 'vendor-service']]);
    const timeline = json<{ items: Array<{ type: string }> }>(await client.callTool({ name: 'timeline', arguments: { resourceType: 'vendor', resourceId: vendor.id } }));
    expect(timeline.items.map((e) => e.type)).toEqual(['vendor.created', 'vendor.updated']);
  });

  // As an assistant's configuration starts it: the built app, and the CLI's `mesh mcp`.
  it.each([
    ['node dist/apps/mcp/src/main.js --stdio', ['dist/apps/mcp/src/main.js', '--stdio'], 'ticket.moved'],
    ['mesh mcp', ['dist/apps/cli/main.js', 'mcp'], 'ticket.merged'],
  ])('serves a local assistant over stdio (%s)', async (_how, args, type) => {
    const name = `stdio-${type}`;
    const client = new Client({ name, version: '1.0.0' });
    const env = { PATH: process.env.PATH ?? '', EVENT_STORE_URL: store.url, WEBHOOK_DISPATCHER_URL: dispatcher.url, ADMIN_API_KEY: KEY, NATS_URL: nats.url };
    await client.connect(new StdioClientTransport({ command: process.execPath, args, env, stderr: 'pipe' }));
    clients.push(client);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('query_events');
    const page = json<{ items: Array<{ type: string }> }>(await client.callTool({ name: 'query_events', arguments: { type: 'ticket.opened', limit: 3 } }));
    expect(page.items).toHaveLength(3);
    // The 1,000 stored tickets, page by page with the cursor, each once.
    const seen = new Set<string>();
    let cursor: string | undefined;
    let pages = 0;
    do {
      const p = json<{ items: Array<{ id: string }>; nextCursor: string | null }>(await client.callTool({ name: 'query_events', arguments: { type: 'ticket.opened', limit: 200, ...(cursor ? { cursor } : {}) } }));
      p.items.forEach((e) => seen.add(e.id));
      cursor = p.nextCursor ?? undefined;
      pages++;
    } while (cursor && pages < 20);
    expect(seen.size).toBe(HISTORY);

    // NATS from NATS_URL (the dead-letter tools): a letter redriven over stdio is handled by the store.
    const lost = createEnvelope('ticket.lost', { ticketId: type }, 'mcp-test', { id: uuidv7() });
    const h = headers();
    h.set('Mesh-Dlq-Consumer', 'event-store');
    h.set('Mesh-Dlq-Reason', 'max_deliveries');
    h.set('Mesh-Original-Subject', subjectForType(lost.type));
    await jetstream(nc).publish('dlq.event-store.ticket.lost', JSON.stringify(lost), { headers: h });
    const letters = json<{ items: Array<{ seq: number; envelope?: { id: string } }> }>(await client.callTool({ name: 'list_dead_letters', arguments: { consumer: 'event-store', type: 'ticket.lost' } }));
    const letter = letters.items.find((l) => l.envelope?.id === lost.id);
    expect(letter).toBeDefined();
    expect(json<{ failed: unknown[] }>(await client.callTool({ name: 'redrive_dead_letters', arguments: { seqs: [letter!.seq] } })).failed).toEqual([]);
    await waitFor(async () => (await request(store.url).get(`/events/${lost.id}`).set('X-Api-Key', KEY)).status === 200, { ...WAIT, message: 'the letter redriven over stdio was not handled' });
    // Events a vendor write created, found by the resource.
    const vendor = (await request(vendors.url).post('/vendors').send({ name: `Stdio ${type}` }).expect(201)).body as { id: string };
    const vendorEvents = await waitFor(
      async () => {
        const p = json<{ items: Array<{ type: string }> }>(await client.callTool({ name: 'query_events', arguments: { resourceType: 'vendor', resourceId: vendor.id } }));
        return p.items.length > 0 ? p.items : undefined;
      },
      { ...WAIT, message: 'the vendor write was not found over stdio' },
    );
    expect(vendorEvents!.map((e) => e.type)).toEqual(['vendor.created']);
    // The webhook-dispatcher from WEBHOOK_DISPATCHER_URL.
    expect(json<{ items: unknown[] }>(await client.callTool({ name: 'list_webhooks', arguments: {} })).items).toEqual(expect.any(Array));

    json(await client.callTool({ name: 'register_schema', arguments: { type, version: 1, schema: { type: 'object', required: ['ticketId'], properties: { ticketId: { type: 'string' } } } } }));
    const audit = await waitFor(() => audits.items.find((a) => a.data.target.id === `${type}.v1`), { ...WAIT, message: 'no audit event for the stdio registration' });
    expect(audit?.actor).toBe(`mcp:${name}`);
    const refused = (await client.callTool({ name: 'publish_event', arguments: { type, data: { ticketId: 5 } } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect((refused.content[0] as { text: string }).text).toContain('data.ticketId: must be string');
  });
});
