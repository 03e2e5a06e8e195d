import { writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { SchemaRegistry, STREAM_EVENTS, type CloudEvent } from '@app/events';
import { Collector, NatsServerHarness, waitFor } from '@app/testing';
import { Mesh, rawConnect, RunningApp, startMesh, startProducer } from '../../../libs/events/test/support.js';
import { CliProcess, ensureBuilt, mesh } from './cli-process.js';

describe('mesh tail and mesh publish (built CLI, real nats-server)', () => {
  let m: Mesh;
  let producer: RunningApp;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    ensureBuilt();
    m = await startMesh('cli_tail');
    producer = await startProducer(m);
    nc = await rawConnect(m);
    jsm = await jetstreamManager(nc);
    env = { NATS_URL: m.nats.url };
    dir = await mkdtemp(join(tmpdir(), 'mesh-cli-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await m?.close();
  });

  const consumerNames = async () => {
    const names: string[] = [];
    for await (const c of jsm.consumers.list(STREAM_EVENTS)) names.push(c.name);
    return names;
  };

  it('answers --help on every command', async () => {
    for (const args of [[], ['tail'], ['publish'], ['dlq'], ['dlq', 'ls'], ['dlq', 'show'], ['dlq', 'redrive'], ['dlq', 'purge'], ['replay'], ['status'], ['mcp']]) {
      const res = await mesh([...args, '--help']);
      expect([args.join(' '), res.code, res.stderr]).toEqual([args.join(' '), 0, '']);
      expect(res.stdout).toMatch(/^Usage: mesh/);
    }
  });

  it('tail shows a live event on one line and leaves nothing on the server', async () => {
    const before = await consumerNames();
    const tail = CliProcess.start(['tail', 'vendor.*', '--count', '1'], { env });
    await tail.waitForOutput('tailing events.vendor.*', 'stderr');
    await producer.events.publishEvent('order.created', { skip: true });
    const { id } = await producer.events.publishEvent('vendor.created', { name: 'Taco Stand' }, { subject: 'v-42', resourceType: 'vendor' });
    const done = await tail.finished();
    expect(done.code).toBe(0);
    const lines = done.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z {2}info {3}vendor\.created +vendor\/v-42 {2}test-producer {2}\{"name":"Taco Stand"\}$/);
    expect(id).toBeTruthy();
    expect(await consumerNames()).toEqual(before);
  });

  it('tail stops cleanly on Ctrl-C', async () => {
    const tail = CliProcess.start(['tail'], { env });
    await tail.waitForOutput('tailing events.>', 'stderr');
    await producer.events.publishEvent('bell.rung', { n: 1 });
    await tail.waitForOutput('bell.rung');
    expect((await tail.stop('SIGINT')).code).toBe(0);
  });

  it('a live tail rides out a NATS restart', async () => {
    const own = await NatsServerHarness.start();
    try {
      const raw = await connect({ servers: own.url });
      await (await jetstreamManager(raw)).streams.add({ name: STREAM_EVENTS, subjects: ['events.>'] });
      await raw.close();
      const tail = CliProcess.start(['tail', '--server', own.url, '-n', '2'], { env });
      await tail.waitForOutput('tailing events.>', 'stderr');
      await mesh(['publish', 'before.restart', '{}', '--server', own.url], { env });
      await tail.waitForOutput('before.restart');
      await own.restart();
      // The tail resubscribes once its client reconnects; publish until it shows an event again.
      await waitFor(async () => {
        await mesh(['publish', 'after.restart', '{}', '--server', own.url], { env });
        return tail.stdout.includes('after.restart');
      }, { timeoutMs: 20_000, intervalMs: 200, message: 'the tail never showed an event after the restart' });
      expect((await tail.finished()).code).toBe(0);
    } finally {
      await own.close();
    }
  });

  it('tail --since and --from-seq replay past events through an ephemeral consumer, with --json and --filter', async () => {
    const first = await producer.events.publishEvent('pastry.baked', { kind: 'croissant', box: { size: 6 } });
    const second = await producer.events.publishEvent('pastry.baked', { kind: 'bagel', box: { size: 12 } });
    const before = await consumerNames();

    const since = await mesh(['tail', 'pastry.>', '--since', '10m', '--json', '-n', '2'], { env });
    expect(since.code).toBe(0);
    const envelopes = since.stdout.trim().split('\n').map((l) => JSON.parse(l) as CloudEvent);
    expect(envelopes.map((e) => [e.id, e.type, e.data])).toEqual([
      [first.id, 'pastry.baked', { kind: 'croissant', box: { size: 6 } }],
      [second.id, 'pastry.baked', { kind: 'bagel', box: { size: 12 } }],
    ]);

    const filtered = await mesh(['tail', 'pastry.baked', '--since', '10m', '--filter', 'box.size=12', '-n', '1'], { env });
    expect(filtered.stdout).toContain('"kind":"bagel"');
    const text = await mesh(['tail', '--since', '10m', '--filter', 'croissant', '-n', '1', '--json'], { env });
    expect(JSON.parse(text.stdout).id).toBe(first.id);

    const seq = (await jsm.streams.info(STREAM_EVENTS)).state.last_seq;
    const fromSeq = await mesh(['tail', '--from-seq', String(seq), '-n', '1', '--json'], { env });
    expect(JSON.parse(fromSeq.stdout).id).toBe(second.id);
    // Each ordered consumer is gone when its tail ends; none was durable.
    expect(await consumerNames()).toEqual(before);
  });

  it('publish prints the stream sequence, and a bare subscriber on events.> sees the readable JSON envelope', async () => {
    const seen = new Collector<{ subject: string; body: string }>();
    const sub = nc.subscribe('events.>', { callback: (_err, msg) => seen.push({ subject: msg.subject, body: msg.string() }) });
    await nc.flush();
    try {
      const res = await mesh(['publish', 'vendor.updated', '{"name":"Taco Stand","open":true}', '--source', 'ops', '--subject', 'v-7', '--level', 'warn'], { env });
      expect(res.code).toBe(0);
      const [, seq, id] = /^published vendor\.updated as EVENTS #(\d+), id (\S+)\n$/.exec(res.stdout)!;
      const [got] = await seen.waitForCount(1);
      expect(got.subject).toBe('events.vendor.updated');
      expect(JSON.parse(got.body)).toEqual({
        specversion: '1.0', id, source: 'ops', type: 'vendor.updated', time: expect.any(String), subject: 'v-7', resourceid: 'v-7',
        datacontenttype: 'application/json', data: { name: 'Taco Stand', open: true }, level: 'warn',
      });
      const stored = await jsm.streams.getMessage(STREAM_EVENTS, { seq: Number(seq) });
      expect(stored!.json<CloudEvent>().id).toBe(id);
    } finally {
      sub.unsubscribe();
    }
  });

  it('publish reads @file and stdin, and --json answers with the PubAck (a repeated --id is a duplicate)', async () => {
    const file = join(dir, 'order.json');
    writeFileSync(file, '{"total": 12.5}');
    const fromFile = await mesh(['publish', 'order.created', `@${file}`, '--json', '--id', 'cli-order-1'], { env });
    expect(JSON.parse(fromFile.stdout)).toEqual({ stream: 'EVENTS', seq: expect.any(Number), id: 'cli-order-1', duplicate: false });
    const again = await mesh(['publish', 'order.created', `@${file}`, '--json', '--id', 'cli-order-1'], { env });
    expect(JSON.parse(again.stdout)).toMatchObject({ id: 'cli-order-1', duplicate: true });
    const fromStdin = await mesh(['publish', 'order.created', '-', '--json'], { env, input: '[1, 2, 3]' });
    const ack = JSON.parse(fromStdin.stdout) as { seq: number };
    expect((await jsm.streams.getMessage(STREAM_EVENTS, { seq: ack.seq }))!.json<CloudEvent>().data).toEqual([1, 2, 3]);
  });

  it('publish checks the data against a schema a producer registered, as publishEvent does', async () => {
    await producer.app.get(SchemaRegistry).register('shop.opened', 2, {
      type: 'object', required: ['name'], properties: { name: { type: 'string' }, email: { type: 'string', format: 'email' } },
    });
    const bad = await mesh(['publish', 'shop.opened', '{"email":"not-an-email"}'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('mesh: Event shop.opened does not match mesh:schema:shop.opened:v2: data.name must have required property \'name\'; data.email must match format "email"\n');

    const good = await mesh(['publish', 'shop.opened', '{"name":"Taco"}', '--json'], { env });
    const { seq } = JSON.parse(good.stdout) as { seq: number };
    expect((await jsm.streams.getMessage(STREAM_EVENTS, { seq }))!.json<CloudEvent>().dataschema).toBe('mesh:schema:shop.opened:v2');
  });

  it('publish refuses an event over EVENT_MAX_BYTES naming the limit, and sends nothing', async () => {
    const before = (await jsm.streams.info(STREAM_EVENTS)).state.last_seq;
    const res = await mesh(['publish', 'order.created', '-'], { env: { ...env, EVENT_MAX_BYTES: '2048' }, input: JSON.stringify({ notes: 'x'.repeat(3000) }) });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^mesh: order\.created not published: the event is \d+ bytes, over the limit of 2048 bytes \(EVENT_MAX_BYTES\)/);
    expect((await jsm.streams.info(STREAM_EVENTS)).state.last_seq).toBe(before);
  });

  it('publish refuses data PostgreSQL cannot store, naming the JSON path', async () => {
    const res = await mesh(['publish', 'order.created', '{"lines":["ok","a\\u0000b"]}'], { env });
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^mesh: order\.created not published: data\.lines\[1\] holds a NUL character/);
  });

  it('refuses an invalid type, invalid JSON, a bad level or an unknown option with one line and exit 2', async () => {
    const cases: [string[], RegExp][] = [
      [['publish', 'Vendor Created', '{}'], /Invalid event type "Vendor Created": use lowercase "resource.action"/],
      [['publish', 'vendor', '{}'], /Invalid event type "vendor"/],
      [['publish', 'vendor.created', '{name: Taco}'], /^mesh: The data in the argument is not JSON \(.+\): pass a JSON value/],
      [['publish', 'vendor.created', '@/nonexistent/file.json'], /^mesh: Cannot read \/nonexistent\/file\.json: ENOENT/],
      [['publish', 'vendor.created', '{}', '--level', 'loud'], /argument 'loud' is invalid\. use one of debug, info, success, warn, error/],
      [['tail', 'Vendor.*'], /Invalid event pattern "Vendor\.\*"/],
      [['tail', '--since', 'yesterday'], /use a duration back from now/],
      [['tail', '--since', '1m', '--from-seq', '3'], /^mesh: --since and --from-seq both say where to start/],
      [['status', '--bogus'], /unknown option '--bogus'/],
    ];
    for (const [args, message] of cases) {
      const res = await mesh(args, { env });
      expect([args, res.code]).toEqual([args, 2]);
      expect(res.stderr).toMatch(message);
      expect(res.stderr.trim().split('\n')).toHaveLength(1);
      expect(res.stdout).toBe('');
    }
  });

  it('says in one line, exit 3, when NATS cannot be reached', async () => {
    const res = await mesh(['publish', 'vendor.created', '{}'], { env: { NATS_URL: 'nats://127.0.0.1:1' } });
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(/^mesh: Cannot reach NATS at nats:\/\/127\.0\.0\.1:1: .+ Set NATS_URL \(or --server\)/);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('runs as the package bin through npx in the repo', async () => {
    const { stdout } = await promisify(execFile)('npx', ['mesh', 'publish', 'bin.checked', '{}', '--json'], { env: { ...process.env, ...env } });
    expect(JSON.parse(stdout)).toMatchObject({ stream: 'EVENTS', duplicate: false });
  });
});
