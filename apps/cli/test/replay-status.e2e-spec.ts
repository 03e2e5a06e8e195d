import { jetstreamManager } from '@nats-io/jetstream';
import { STREAM_EVENTS } from '@app/events';
import { freePort, NatsServerHarness, waitFor } from '@app/testing';
import { handled, Mesh, rawConnect, RunningApp, startMesh, startProducer, startRecorder } from '../../../libs/events/test/support.js';
import { RunningEventStore, startEventStore, storeTestConfig } from '../../event-store/test/support.js';
import { ensureBuilt, mesh } from './cli-process.js';

const ADMIN = 'cli-suite-admin-key';

describe('mesh replay and mesh status (built CLI, real nats-server, PostgreSQL and event-store)', () => {
  let m: Mesh;
  let producer: RunningApp;
  let recorder: RunningApp;
  let store: RunningEventStore;
  let env: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    m = await startMesh('cli_replay');
    producer = await startProducer(m);
    recorder = await startRecorder(m, 'cli-r', 'r');
    store = await startEventStore(storeTestConfig(m.nats, m.db, { adminApiKey: ADMIN }));
    m.defer(() => store.close());
    env = { NATS_URL: m.nats.url, EVENT_STORE_URL: store.url, ADMIN_API_KEY: ADMIN };
  });

  afterAll(() => m?.close());

  const stored = async (ids: string[]) =>
    (await m.db.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE id = ANY($1::text[])', [ids])).rows[0].n === String(ids.length);

  it('replay re-delivers stored events to the named consumer through the event-store API', async () => {
    const ids = [
      (await producer.events.publishEvent('shelf.stocked', { aisle: 1 })).id,
      (await producer.events.publishEvent('shelf.stocked', { aisle: 2 })).id,
    ];
    await producer.events.publishEvent('till.opened', {});
    await waitFor(() => stored(ids), { message: 'the event store never stored the events' });

    const res = await mesh(['replay', '--consumer', 'cli-r', '--type', 'shelf.*', '--since', '10m'], { env });
    expect([res.code, res.stderr]).toEqual([0, '']);
    expect(res.stdout).toBe('queued 2 events for cli-r (cli-r-replay reads them from EVENTS_REPLAY)\n');
    await waitFor(async () => (await handled(m)).filter((r) => r.consumer === 'cli-r-replay').length === 2, { message: 'cli-r never got the replay' });
    expect((await handled(m)).filter((r) => r.consumer === 'cli-r-replay').map((r) => r.event_id).sort()).toEqual([...ids].sort());

    const json = await mesh(['replay', '--consumer', 'cli-r', '--type', 'shelf.stocked', '--until', '1d', '--json'], { env });
    expect(JSON.parse(json.stdout)).toMatchObject({ consumer: 'cli-r', queued: 0, filter: { type: 'shelf.stocked' } });
  });

  it('replay says what is wrong: the key, the consumer, the times, the address', async () => {
    const wrongKey = await mesh(['replay', '--consumer', 'cli-r', '--api-key', 'nope'], { env });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toMatch(/^mesh: The event store refused the admin key \(HTTP 40[13]: .+\)\. Set ADMIN_API_KEY or --api-key\n$/);
    expect(wrongKey.stderr).not.toContain('nope');

    const ghost = await mesh(['replay', '--consumer', 'ghost'], { env });
    expect(ghost.code).toBe(1);
    expect(ghost.stderr).toMatch(/^mesh: Replay failed \(HTTP 404\): No consumer app "ghost".*Known: .*cli-r/);

    const backwards = await mesh(['replay', '--consumer', 'cli-r', '--since', '1h', '--until', '2h'], { env });
    expect([backwards.code, backwards.stderr]).toEqual([2, 'mesh: --until must be later than --since\n']);
    expect((await mesh(['replay', '--type', 'shelf.*'], { env })).code).toBe(2);

    const nobody = `http://127.0.0.1:${await freePort()}`;
    const away = await mesh(['replay', '--consumer', 'cli-r'], { env: { ...env, EVENT_STORE_URL: nobody } });
    expect(away.code).toBe(3);
    expect(away.stderr).toBe(`mesh: Cannot reach the event store at ${nobody}/events/replay: connect ECONNREFUSED ${nobody.slice(7)}. Set EVENT_STORE_URL or --url\n`);
  });

  it('status shows streams, a lagging consumer, DLQ depth and app health, and exits 0 when all is up', async () => {
    const jsm = await jetstreamManager(await rawConnect(m));
    const lagger = await startRecorder(m, 'cli-lag', 'lag');
    // Caught up with the history first, then stopped: what is published next is its lag.
    await waitFor(async () => {
      const info = await jsm.consumers.info(STREAM_EVENTS, 'cli-lag');
      return info.num_pending === 0 && info.num_ack_pending === 0 && info.delivered.stream_seq > 0;
    }, { message: 'cli-lag never caught up' });
    await lagger.close();
    for (let i = 0; i < 3; i++) await producer.events.publishEvent('lag.tick', { i });
    const { id } = await producer.events.publishEvent('lag.refused', { rejectForGood: true });
    await waitFor(async () => (await mesh(['dlq', 'ls', '--consumer', 'cli-r', '--json'], { env })).stdout.includes(id));

    const res = await mesh(['status', '--lag-threshold', '3', '--app', `recorder=${recorder.url}`, '--app', `event-store=${store.url}`], { env });
    expect([res.code, res.stderr]).toEqual([0, '']);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^NATS  ${m.nats.url}  up \\(.+, nats-server \\d+\\.\\d+\\.\\d+\\)$`));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}EVENTS +\d+ +[\d.]+ (B|KiB) +#1 \d{4}-.+Z +#\d+ \d{4}-.+Z +\d+$/));
    const row = (name: string) => lines.find((l) => l.split(/\s+/)[2] === name)!.trim().split(/\s{2,}/);
    expect(row('cli-lag')).toEqual(['EVENTS', 'cli-lag', '4', '0', '0', expect.stringMatching(/s ago$/), '0', 'lagging (4 behind)']);
    expect(row('cli-r')).toEqual(['EVENTS', 'cli-r', '0', '0', '0', expect.stringMatching(/s ago$/), '1', 'ok']);
    expect(row('cli-r-replay')).toEqual(['EVENTS_REPLAY', 'cli-r-replay', '0', '0', '0', expect.stringMatching(/ago$/), '-', 'ok']);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}recorder +${recorder.url} +0 +up$`)));
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^ {2}event-store +${store.url} +0 +up$`)));
    expect(lines.at(-2)).toBe('All up.');

    const json = JSON.parse((await mesh(['status', '--no-apps', '--json'], { env })).stdout);
    expect(json).toMatchObject({ ok: true, down: [], deadLetters: { 'cli-r': 1 }, apps: [] });
    expect(json.durables).toContainEqual(expect.objectContaining({ name: 'cli-lag', pending: 4 }));
  });

  it('status checks the apps npm start runs by default (MESH_APPS, MESH_PORT_BASE) and exits 1 when one is down', async () => {
    const port = Number(new URL(store.url).port);
    const defaults = await mesh(['status'], { env: { ...env, MESH_APPS: 'event-store', MESH_PORT_BASE: String(port - 1) } });
    expect(defaults.code).toBe(0);
    expect(defaults.stdout).toMatch(new RegExp(`\\n {2}event-store +http://127\\.0\\.0\\.1:${port} +0 +up\\n`));

    const nobody = `http://127.0.0.1:${await freePort()}`;
    const down = await mesh(['status', '--app', `recorder=${recorder.url}`, '--app', `ghost=${nobody}`], { env });
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(new RegExp(`\\n {2}ghost +${nobody} +- +down: ECONNREFUSED\\n`));
    expect(down.stdout).toMatch(/\nDown: ghost\.\n$/);
  });

  it('on a server no app has started yet, says the streams are missing and how to get them', async () => {
    const bare = await NatsServerHarness.start();
    try {
      const status = await mesh(['status', '--no-apps', '--server', bare.url], { env });
      expect(status.code).toBe(1);
      expect(status.stdout).toContain('  EVENTS is missing: start any mesh app once, it creates the streams\n');
      expect(status.stdout).toMatch(/\nDown: stream EVENTS, stream EVENTS_DLQ, stream EVENTS_REPLAY\.\n$/);
      const publish = await mesh(['publish', 'vendor.created', '{}', '--server', bare.url], { env });
      expect([publish.code, publish.stderr]).toEqual([1, expect.stringMatching(/^mesh: No stream takes events\.vendor\.created: start any mesh app once/)]);
      const ls = await mesh(['dlq', 'ls', '--server', bare.url], { env });
      expect([ls.code, ls.stderr]).toEqual([1, expect.stringMatching(/^mesh: stream not found: start any mesh app once, it creates the streams/)]);
    } finally {
      await bare.close();
    }
  });

  it('connects with NATS_USER / NATS_PASSWORD like the apps, and says when the server refuses', async () => {
    const guarded = await NatsServerHarness.start({ args: ['--user', 'ops', '--pass', 'cli-s3cret'] });
    try {
      const up = await mesh(['status', '--no-apps'], { env: { NATS_URL: guarded.url, NATS_USER: 'ops', NATS_PASSWORD: 'cli-s3cret' } });
      expect(up.stdout).toMatch(new RegExp(`^NATS  ${guarded.url}  up `));
      const refused = await mesh(['publish', 'vendor.created', '{}'], { env: { NATS_URL: guarded.url, NATS_USER: 'ops', NATS_PASSWORD: 'wrong' } });
      expect(refused.code).toBe(3);
      expect(refused.stderr).toMatch(/^mesh: Cannot reach NATS at .+: .*[Aa]uthorization/);
      expect(refused.stderr).not.toContain('wrong');
    } finally {
      await guarded.close();
    }
  });

  it('status exits non-zero when NATS is down, and still reports the apps', async () => {
    const gone = await NatsServerHarness.start();
    await gone.close();
    const res = await mesh(['status', '--server', gone.url, '--app', `recorder=${recorder.url}`], { env });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(new RegExp(`^NATS  ${gone.url}  down: Cannot reach NATS at ${gone.url}: `));
    expect(res.stdout).toMatch(/ {2}recorder +\S+ +0 +up\n/);
    expect(res.stdout).toMatch(/\nDown: NATS\.\n$/);
  });
});
