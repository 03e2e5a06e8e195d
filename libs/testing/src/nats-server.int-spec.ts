import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { NatsServerHarness } from './nats-server.js';

describe(NatsServerHarness.name, () => {
  let server: NatsServerHarness;

  beforeEach(async () => {
    server = await NatsServerHarness.start();
  });

  afterEach(async () => {
    await server.close();
  });

  it('accepts client connections once start() resolves', async () => {
    const nc = await connect({ servers: server.url });
    try {
      const sub = nc.subscribe('ping', { max: 1 });
      nc.publish('ping', 'hello');
      for await (const m of sub) expect(m.string()).toBe('hello');
    } finally {
      await nc.close();
    }
  });

  it('refuses connections after kill()', async () => {
    await server.kill();

    expect(server.running).toBe(false);
    await expect(connect({ servers: server.url, reconnect: false, timeout: 1000 })).rejects.toThrow();
  });

  it('keeps JetStream streams across a kill and restart on the same port', async () => {
    const before = await connect({ servers: server.url });
    await (await jetstreamManager(before)).streams.add({ name: 'T', subjects: ['t.>'] });
    await before.close();
    const port = server.port;

    await server.kill();
    await server.restart();

    expect(server.port).toBe(port);
    const after = await connect({ servers: server.url });
    try {
      const info = await (await jetstreamManager(after)).streams.info('T');
      expect(info.config.subjects).toEqual(['t.>']);
    } finally {
      await after.close();
    }
  });

  it('rejects start() with the server log when the port is taken', async () => {
    await expect(NatsServerHarness.start({ port: server.port })).rejects.toThrow(/address already in use/);
  });
});
