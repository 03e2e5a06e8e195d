import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { SchemaRegistry } from '@app/events';
import { Mesh, RunningApp, startMesh, startProducer } from '../../../libs/events/test/support.js';
import { ensureBuilt, mesh } from './cli-process.js';

describe('mesh schemas (built CLI, real nats-server)', () => {
  let m: Mesh;
  let producer: RunningApp;

  beforeAll(async () => {
    ensureBuilt();
    m = await startMesh('cli_schemas');
    producer = await startProducer(m);
  });

  afterAll(() => m?.close());

  it('--from-nats prints an AsyncAPI 3 document of the registered schemas and the streams, which @asyncapi/parser accepts', async () => {
    await producer.app.get(SchemaRegistry).register('parcel.sent', 3, { type: 'object', required: ['weight'], properties: { weight: { type: 'number' } } });
    const res = await mesh(['schemas', '--from-nats'], { env: { NATS_URL: m.nats.url } });
    expect([res.code, res.stderr]).toEqual([0, '']);
    const doc = JSON.parse(res.stdout) as { asyncapi: string; channels: Record<string, { address: string }>; components: { messages: Record<string, Record<string, unknown>> }; 'x-streams': { name: string; maxAge: string }[] };
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.parcel_sent.address).toBe('events.parcel.sent');
    expect(doc.components.messages.parcel_sent).toMatchObject({ 'x-dataschema': 'mesh:schema:parcel.sent:v3', 'x-schema-version': 3 });
    expect(doc['x-streams'].map((s) => s.name)).toEqual(['EVENTS', 'EVENTS_DLQ', 'EVENTS_REPLAY']);
    const { diagnostics } = await new Parser().parse(res.stdout);
    expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => d.message)).toEqual([]);
  });

  it('says where the event store was looked for when it does not answer', async () => {
    const res = await mesh(['schemas', '--url', 'http://127.0.0.1:9'], { env: { NATS_URL: m.nats.url } });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^mesh: Cannot reach the event store at http:\/\/127\.0\.0\.1:9\/events\/asyncapi\.json: .*Set EVENT_STORE_URL or --url, or use --from-nats\n$/);
  });
});
