import request from 'supertest';
import pg from 'pg';
import type { NatsConnection } from '@nats-io/transport-node';
import { Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import type { VendorData } from '../src/vendors/vendor-data.js';
import { collect, plainClient, PROVOKED, Received, RunningVendorService, startVendorService } from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A correct CloudEvents envelope about one vendor, on its own subject, as DESIGN.md describes it. */
function expectVendorEvent(m: Received, type: string, vendorId: string): void {
  expect(m.subject).toBe(`events.${type}`);
  expect(m.event).toMatchObject({
    specversion: '1.0',
    type,
    source: 'vendor-service',
    subject: vendorId,
    resourcetype: 'vendor',
    resourceid: vendorId,
    datacontenttype: 'application/json',
    level: 'info',
  });
  expect(m.event.id).toMatch(UUID);
  expect(new Date(m.event.time).toISOString()).toBe(m.event.time);
  expect(m.headers?.get('Nats-Msg-Id')).toBe(m.event.id);
  expect(m.headers?.get('Content-Type')).toBe('application/cloudevents+json');
}

describe('vendor-service (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let service: RunningVendorService;
  let nc: NatsConnection;
  let reconnects: Collector<string>;
  let url: string;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('vendor_service');
    service = await startVendorService({ natsServers: [nats.url], databaseUrl: db.url });
    url = service.url;
    ({ nc, reconnects } = await plainClient(nats.url));
  });

  afterAll(async () => {
    await nc?.close();
    await service?.app.close();
    await nats?.close();
    await db?.drop();
  });

  const vendorRows = async (name: string) => (await db.query('SELECT id FROM vendors WHERE name = $1', [name])).rowCount;
  const vendorCount = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM vendors')).rows[0].n;
  const outboxSize = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM mesh_outbox')).rows[0].n;
  const eventsUp = async () => (await request(url).get('/health/events')).status === 200;

  it('publishes vendor.created, vendor.updated and vendor.deleted in order on events.vendor.> for a create, update and delete over HTTP', async () => {
    const sub = await collect(nc, 'events.vendor.>');
    try {
      const created = await request(url)
        .post('/vendors')
        .send({ name: 'Taco Stand', email: 'hola@taco.example', phone: '+1 415 555 2671', website: 'https://taco.example', lat: 37.77, long: -122.42 })
        .expect(201);
      const vendor = created.body as VendorData;
      expect(vendor).toMatchObject({ name: 'Taco Stand', phone: '+14155552671', open: false, description: null, primaryImage: null });
      expect(vendor.id).toMatch(UUID);

      const updated = await request(url).patch(`/vendors/${vendor.id}`).send({ open: true, description: 'Al pastor', name: 'Taco Stand' }).expect(200);
      expect(updated.body).toMatchObject({ id: vendor.id, open: true, description: 'Al pastor', createdAt: vendor.createdAt });
      await request(url).delete(`/vendors/${vendor.id}`).expect(204);
      const gone = await request(url).get(`/vendors/${vendor.id}`).expect(404);
      expect(gone.body.message).toBe(`Vendor ${vendor.id} not found`);

      const [c, u, d, ...more] = await sub.received.waitForCount(3);
      expect(more).toEqual([]);
      expectVendorEvent(c, 'vendor.created', vendor.id);
      expectVendorEvent(u, 'vendor.updated', vendor.id);
      expectVendorEvent(d, 'vendor.deleted', vendor.id);
      expect(c.event.data).toEqual(vendor);
      // The unchanged name is not a change.
      expect(u.event.data).toEqual(updated.body);
      expect(u.event.changedfields).toBe('description,open');
      expect(c.event).not.toHaveProperty('changedfields');
      expect(d.event.data).toEqual(updated.body);
      expect(new Set([c.event.id, u.event.id, d.event.id]).size).toBe(3);
    } finally {
      sub.stop();
    }
  });

  it('reads vendors newest first with limit and offset, and publishes nothing for a PATCH that changes nothing', async () => {
    const sub = await collect(nc, 'events.vendor.>');
    try {
      const ids: string[] = [];
      for (const name of ['Arepa Cart', 'Bao Bus', 'Crepe Corner']) ids.push((await request(url).post('/vendors').send({ name }).expect(201)).body.id);
      await sub.received.waitForCount(3);

      const page = await request(url).get('/vendors').query({ limit: 2 }).expect(200);
      expect(page.body.map((v: VendorData) => v.id)).toEqual([ids[2], ids[1]]);
      const next = await request(url).get('/vendors').query({ limit: 2, offset: 2 }).expect(200);
      expect(next.body[0].id).toBe(ids[0]);
      expect((await request(url).get(`/vendors/${ids[0]}`).expect(200)).body.name).toBe('Arepa Cart');

      const same = await request(url).patch(`/vendors/${ids[0]}`).send({ name: 'Arepa Cart', open: false }).expect(200);
      expect(same.body.updatedAt).toBe(same.body.createdAt);
      // Anything the no-op PATCH had published would arrive before this delete's event.
      await request(url).delete(`/vendors/${ids[0]}`).expect(204);
      const all = await sub.received.waitForCount(4);
      expect(all.map((m) => m.event.type)).toEqual(['vendor.created', 'vendor.created', 'vendor.created', 'vendor.deleted']);

      expect((await request(url).get('/vendors').query({ limit: 101 }).expect(400)).body.message).toContain('limit must be a whole number from 1 to 100, in decimal digits');
      expect((await request(url).get('/vendors/not-a-uuid').expect(400)).body).toMatchObject({ field: 'id', message: expect.stringMatching(/UUID/) });
      await request(url).get(`/vendors/${crypto.randomUUID()}`).expect(404);
      await request(url).patch(`/vendors/${crypto.randomUUID()}`).send({ open: true }).expect(404);
      await request(url).delete(`/vendors/${crypto.randomUUID()}`).expect(404);
    } finally {
      sub.stop();
    }
  });

  it('publishes nothing for a vendor write whose transaction fails at commit, after the event was written', async () => {
    // Deferred constraint triggers fire at COMMIT, i.e. after the vendor row and the outbox row were
    // both written in the transaction: the commit fails and must take the event with it.
    await db.query(`CREATE FUNCTION refuse_vendor_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '${PROVOKED}: refusing to commit % of a vendor', TG_OP; END $$`);
    await db.query(`CREATE CONSTRAINT TRIGGER refuse_doomed AFTER INSERT OR UPDATE ON vendors DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (NEW.name LIKE 'doomed%') EXECUTE FUNCTION refuse_vendor_commit()`);
    await db.query(`CREATE CONSTRAINT TRIGGER refuse_undeletable AFTER DELETE ON vendors DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW WHEN (OLD.name LIKE 'undeletable%') EXECUTE FUNCTION refuse_vendor_commit()`);
    const sub = await collect(nc, 'events.vendor.>');
    try {
      await request(url).post('/vendors').send({ name: 'doomed stall' }).expect(500);
      expect(await vendorRows('doomed stall')).toBe(0);

      const kiosk = (await request(url).post('/vendors').send({ name: 'undeletable kiosk' }).expect(201)).body as VendorData;
      await request(url).patch(`/vendors/${kiosk.id}`).send({ name: 'doomed kiosk', open: true }).expect(500);
      await request(url).delete(`/vendors/${kiosk.id}`).expect(500);
      expect((await request(url).get(`/vendors/${kiosk.id}`).expect(200)).body).toEqual(kiosk);

      // A later successful write: once its event is here, any event of the failed writes would be too.
      const later = (await request(url).post('/vendors').send({ name: 'later stall' }).expect(201)).body as VendorData;
      await waitFor(() => sub.received.items.some((m) => m.event.subject === later.id), { message: 'the later vendor.created did not arrive' });
      const got = sub.received.items.map((m) => [m.event.type, m.event.subject]);
      expect(got).toEqual([
        ['vendor.created', kiosk.id],
        ['vendor.created', later.id],
      ]);
      expect(sub.received.items[0].event.data).toEqual(kiosk);
      await waitFor(async () => (await outboxSize()) === 0, { message: 'the outbox did not empty' });
    } finally {
      sub.stop();
      await db.query('DROP TRIGGER refuse_doomed ON vendors');
      await db.query('DROP TRIGGER refuse_undeletable ON vendors');
      await db.query('DROP FUNCTION refuse_vendor_commit()');
    }
  });

  it('accepts vendor writes while nats-server is down and delivers their events once each, in order, when it is back', async () => {
    await waitFor(eventsUp, { message: '/health/events never came up' });
    const sub = await collect(nc, 'events.vendor.>');
    const hold = new pg.Client({ connectionString: db.url });
    try {
      await nats.kill();
      const vendor = (await request(url).post('/vendors').send({ name: 'Night Market' }).expect(201)).body as VendorData;
      const updated = (await request(url).patch(`/vendors/${vendor.id}`).send({ open: true }).expect(200)).body as VendorData;
      expect(await outboxSize()).toBe(2);

      // The relay skips locked rows: hold them until this plain subscriber has its subscription back,
      // since a core NATS subscriber only sees what is published while it is connected.
      await hold.connect();
      await hold.query('BEGIN');
      expect((await hold.query('SELECT id FROM mesh_outbox FOR UPDATE')).rowCount).toBe(2);
      const reconnected = reconnects.items.length;
      await nats.restart();
      await reconnects.waitForCount(reconnected + 1, 20_000);
      await nc.flush();
      await waitFor(eventsUp, { timeoutMs: 20_000, message: '/health/events did not recover' });
      await hold.query('COMMIT');

      const [c, u] = await sub.received.waitForCount(2, 20_000);
      expectVendorEvent(c, 'vendor.created', vendor.id);
      expectVendorEvent(u, 'vendor.updated', vendor.id);
      expect(c.event.data).toEqual(vendor);
      expect(u.event.data).toEqual(updated);
      expect(u.event.changedfields).toBe('open');

      // Once each: a later event arrives, and nothing else did meanwhile.
      await request(url).delete(`/vendors/${vendor.id}`).expect(204);
      const all = await sub.received.waitForCount(3);
      expect(all.map((m) => m.event.type)).toEqual(['vendor.created', 'vendor.updated', 'vendor.deleted']);
      await waitFor(async () => (await outboxSize()) === 0, { message: 'the outbox did not empty' });
    } finally {
      sub.stop();
      await hold.end().catch(() => undefined);
      if (!nats.running) await nats.restart();
    }
  });

  describe('rejects an invalid body with a 400 that names the field', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['a bad email', { name: 'x', email: 'not-an-email' }, 'email must be an email'],
      ['lat 200', { name: 'x', lat: 200 }, 'lat must not be greater than 90'],
      ['long -181', { name: 'x', long: -181 }, 'long must not be less than -180'],
      ['an unknown field', { name: 'x', foo: 'bar' }, 'property foo should not exist'],
      ['a missing name', { description: 'no name' }, 'name should not be empty'],
      ['a blank name', { name: '   ' }, 'name should not be empty'],
      ['a name over 200 characters', { name: 'n'.repeat(201) }, 'name must be shorter than or equal to 200 characters'],
      ['a website without protocol', { name: 'x', website: 'taco.example' }, 'website must be a URL address'],
      ['a bad phone number', { name: 'x', phone: '12' }, 'phone must be a phone number in international format, e.g. +14155552671'],
      ['open as a string', { name: 'x', open: 'yes' }, 'open must be a boolean value'],
    ];

    it.each(cases)('POST with %s', async (_label, body, message) => {
      const before = await vendorCount();
      const res = await request(url).post('/vendors').send(body).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(res.body.message).toContain(message);
      expect(await vendorCount()).toBe(before);
    });

    it('PATCH with nothing to change, a null name, or a bad URL', async () => {
      const { id } = (await request(url).post('/vendors').send({ name: 'Patchable' }).expect(201)).body as VendorData;
      expect((await request(url).patch(`/vendors/${id}`).send({}).expect(400)).body.message[0]).toMatch(/^the body must set at least one of: name, /);
      expect((await request(url).patch(`/vendors/${id}`).send({ name: null }).expect(400)).body.message).toContain('name must be a string');
      expect((await request(url).patch(`/vendors/${id}`).send({ primaryImage: 'ftp://x.example/a.png' }).expect(400)).body.message).toContain(
        'primaryImage must be a URL address',
      );
      expect((await request(url).patch(`/vendors/${id}`).send({ bar: 1 }).expect(400)).body.message).toContain('property bar should not exist');
      const after = (await request(url).get(`/vendors/${id}`).expect(200)).body as VendorData;
      expect(after.updatedAt).toBe(after.createdAt);
    });
  });

  it('answers /health, /health/events and /metrics', async () => {
    const live = await request(url).get('/health').expect(200);
    expect(live.body).toMatchObject({ status: 'ok', service: 'vendor-service' });
    let ready = await request(url).get('/health/events');
    await waitFor(async () => (ready = await request(url).get('/health/events')).status === 200 && ready.body.failedEventsCount === 0, {
      message: '/health/events not ready',
    });
    expect(ready.body).toMatchObject({ status: 'ok', service: 'vendor-service', failedEventsCount: 0 });
    expect(ready.body.details).toMatchObject({ nats: { status: 'up' }, stream: { status: 'up' }, database: { status: 'up' } });
    const metrics = await request(url).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toMatch(/mesh_events_published_total\{service="vendor-service",via="outbox"\} [1-9]/);
  });
});
