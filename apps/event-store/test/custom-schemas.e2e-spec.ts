import request from 'supertest';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { Kvm } from '@nats-io/kv';
import { EventsModule, EventsService, listRegisteredSchemas, SchemaRegistry, SchemaValidationError, SchemaVersionStaleError, SchemaVersionTakenError, type AuditData, type CloudEvent, type RegisteredSchema } from '@app/events/internal';
import { ADMIN_KEYS, Collector, NatsServerHarness, TestDatabase, waitFor } from '@app/testing';
import { RunningEventStore, startEventStore, storeTestConfig } from './support.js';

const ADMIN = ADMIN_KEYS.customSchemas;
const WAIT = { timeoutMs: 60_000 };
const TYPE = 'invoice.custom_issued';
const V1 = { type: 'object', required: ['invoiceId'], properties: { invoiceId: { type: 'string' }, amount: { type: 'number' } } };

describe('event-store: custom event types over the API, POST /events/schemas (real nats-server and PostgreSQL)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  let producerDb: TestDatabase;
  let store: RunningEventStore;
  let producer: INestApplication;
  let nc: NatsConnection;
  const audits = new Collector<CloudEvent<AuditData>>();

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('custom_schemas_store');
    producerDb = await TestDatabase.create('custom_schemas_producer');
    store = await startEventStore(storeTestConfig(nats, db, { adminApiKey: ADMIN }));
    // Another producer, started before any schema exists: it must pick registrations up while running.
    const ref = await Test.createTestingModule({
      imports: [EventsModule.forProducer({ service: 'schema-producer', config: { natsServers: [nats.url], databaseUrl: producerDb.url } })],
    }).compile();
    producer = ref.createNestApplication({ logger: ['error', 'warn'] });
    await producer.init();
    nc = await connect({ servers: nats.url });
    nc.subscribe('events.audit.event_schema_registered', {
      callback: (err, msg) => {
        if (!err) audits.push(msg.json<CloudEvent<AuditData>>());
      },
    });
    await nc.flush();
  });

  afterAll(async () => {
    await nc?.close();
    await producer?.close();
    await store?.close();
    await nats?.close();
    await db?.drop();
    await producerDb?.drop();
  });

  const register = (body: unknown, key: string = ADMIN) => request(store.url).post('/events/schemas').set('X-Api-Key', key).send(body as object);

  it('registers a schema that every running producer applies at once, audited, listed with its versions', async () => {
    const events = producer.get(EventsService);
    await events.publishEvent(TYPE, { amount: 'no schema yet, anything goes' });

    await register({ type: TYPE, version: 1, schema: V1 }, 'wrong-key').expect(403);
    await request(store.url).post('/events/schemas').send({ type: TYPE, version: 1, schema: V1 }).expect(401);
    const created = await register({ type: TYPE, version: 1, schema: V1, by: 'schema-suite' }).expect(201);
    expect(created.body).toMatchObject({ type: TYPE, version: 1, id: `mesh:schema:${TYPE}:v1`, previousVersion: null, breaking: false, changes: [] });

    // In the bucket, under DESIGN.md's key.
    const entry = await (await new Kvm(nc).open('event-schemas')).get(`${TYPE}.v1`);
    expect(entry?.json<{ schema: unknown }>().schema).toEqual(V1);

    // The producer, never restarted, now refuses bad data naming the field; good data carries the dataschema.
    const refused = await waitFor(
      async () => {
        try {
          await events.publishEvent(TYPE, { invoiceId: 42 });
          return undefined;
        } catch (err) {
          return err;
        }
      },
      { ...WAIT, message: 'the running producer never applied the registered schema' },
    );
    expect(refused).toBeInstanceOf(SchemaValidationError);
    expect((refused as SchemaValidationError).problems).toEqual([{ field: 'data.invoiceId', message: 'must be string' }]);
    const ok = await events.publishEvent(TYPE, { invoiceId: 'inv-1', amount: 3 });
    expect(ok.id).toEqual(expect.any(String));

    // The store's own HTTP ingest validates with it too.
    const ingest = await request(store.url).post('/events').set('X-Api-Key', ADMIN).send({ type: TYPE, data: { amount: 1 } }).expect(400);
    expect(JSON.stringify(ingest.body)).toContain('data.invoiceId');

    const audit = await waitFor(() => audits.items.find((a) => a.data.target.id === `${TYPE}.v1`), { ...WAIT, message: 'no audit.event_schema_registered' });
    expect(audit).toMatchObject({ actor: 'schema-suite', resourcetype: 'event-schema', data: { action: 'event_schema_registered', after: { version: 1, schema: V1 }, breaking: false } });

    const listed = await request(store.url).get('/events/schemas').set('X-Api-Key', ADMIN).expect(200);
    const mine = (listed.body.types as Array<{ type: string; schemaVersions: number[]; schema: { version: number } }>).find((t) => t.type === TYPE);
    expect(mine).toMatchObject({ schemaVersions: [1], schema: { version: 1 } });
    // And the AsyncAPI document describes the type's data with it.
    const doc = (await request(store.url).get('/events/asyncapi.json').set('X-Api-Key', ADMIN).expect(200)).body as { components: { messages: Record<string, { payload: { allOf: unknown[] } }> } };
    expect(doc.components.messages.invoice_custom_issued.payload.allOf[1]).toMatchObject({ properties: { type: { const: TYPE }, data: { required: ['invoiceId'] } } });
  });

  it('lets versions only go up, and refuses a narrowing version unless it is marked breaking', async () => {
    const again = await register({ type: TYPE, version: 1, schema: V1 }).expect(409);
    expect(again.body.message).toContain('send version 2');

    const v2 = { ...V1, required: ['invoiceId', 'currency'], properties: { ...V1.properties, currency: { type: 'string' } } };
    const refused = await register({ type: TYPE, version: 2, schema: v2 }).expect(409);
    expect(refused.body.changes).toEqual(['data.currency: now required', 'data.currency: type narrowed to string (was any)']);
    expect(refused.body.message).toContain('"breaking": true');

    // A typed new property narrows too: an event valid under v1 may have carried `note` as anything.
    const typedNote = { ...V1, properties: { ...V1.properties, note: { type: 'string' } } };
    expect((await register({ type: TYPE, version: 2, schema: typedNote }).expect(409)).body.changes).toEqual(['data.note: type narrowed to string (was any)']);
    // A widening version needs no flag.
    const widened = { ...V1, properties: { ...V1.properties, note: { description: 'free text' }, amount: { type: ['number', 'string'] } } };
    await register({ type: TYPE, version: 2, schema: widened }).expect(201);
    const breaking = await register({ type: TYPE, version: 3, schema: v2, breaking: true }).expect(201);
    expect(breaking.body).toMatchObject({ version: 3, previousVersion: 2, breaking: true, changes: expect.arrayContaining(['data.currency: now required']) as unknown });

    const listed = await request(store.url).get('/events/schemas').set('X-Api-Key', ADMIN).expect(200);
    expect((listed.body.types as Array<{ type: string; schemaVersions: number[] }>).find((t) => t.type === TYPE)?.schemaVersions).toEqual([1, 2, 3]);
    const events = producer.get(EventsService);
    await waitFor(
      () => events.publishEvent(TYPE, { invoiceId: 'inv-2' }).then(() => false, (err: unknown) => err instanceof SchemaValidationError && err.message.includes('currency')),
      { ...WAIT, message: 'the producer never applied version 3' },
    );
  });

  it('lets exactly one of two concurrent registrations of a type and version succeed; the other is a 409 naming the version', async () => {
    // Rounds of two POSTs at once, each with its own schema: whichever lands second is told, never overwrites.
    for (let round = 0; round < 8; round++) {
      const type = `invoice.raced_${round}`;
      const schemas = [{ ...V1, description: 'first' }, { ...V1, description: 'second' }];
      const answers = await Promise.all(schemas.map((schema) => register({ type, version: 1, schema })));
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      const loser = answers.find((a) => a.status === 409)!;
      expect(loser.body.message).toContain(`version 1 of ${type}`);
      const winner = schemas[answers.findIndex((a) => a.status === 201)];
      const bucket = await new Kvm(nc).open('event-schemas');
      expect((await bucket.get(`${type}.v1`))?.json<{ schema: unknown }>().schema).toEqual(winner);
      // Written once: the loser never overwrote the winner, even for a moment.
      const writes: unknown[] = [];
      for await (const e of await bucket.history({ key: `${type}.v1` })) writes.push(e);
      expect(writes).toHaveLength(1);
    }
    // The bucket's create decides even when both pass the version check together (no read first).
    const registry = producer.get(SchemaRegistry);
    const raced = await Promise.allSettled([registry.registerNew('invoice.raced_direct', 1, V1), registry.registerNew('invoice.raced_direct', 1, { ...V1, description: 'late' })]);
    expect(raced.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const reason = (raced.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error;
    expect(reason).toBeInstanceOf(SchemaVersionTakenError);
    expect(reason.message).toBe('version 1 of invoice.raced_direct is already registered (another registration took it first); send version 2');
    // One audit event per successful registration only.
    await waitFor(() => audits.items.some((a) => a.data.target.id === 'invoice.raced_7.v1'), { ...WAIT, message: 'no audit for the last race' });
    for (let round = 0; round < 8; round++) expect(audits.items.filter((a) => a.data.target.id === `invoice.raced_${round}.v1`)).toHaveLength(1);
  });

  it('decides registrations of different versions one at a time: of v2 and v3 checked against v1 together, one lands, the other is a 409 naming the version to check against', async () => {
    const registry = producer.get(SchemaRegistry);
    // v2 widens `amount`; v3 is v1 again, so it narrows against v2 but not against v1.
    const widened = { ...V1, properties: { ...V1.properties, amount: { type: ['number', 'string'] } } };
    const v1Again = { ...V1, description: 'v1 again' };

    // Both checked against the same read of v1, then written at once: without the head both would land.
    for (let round = 0; round < 4; round++) {
      const type = `invoice.vraced_${round}`;
      await register({ type, version: 1, schema: V1 }).expect(201);
      const seen = await registry.head(type);
      expect(seen.latest?.version).toBe(1);
      const raced = await Promise.allSettled([registry.registerNew(type, 2, widened, seen), registry.registerNew(type, 3, v1Again, seen)]);
      expect(raced.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const won = (raced.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<RegisteredSchema>).value.version;
      const lost = (raced.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as SchemaVersionStaleError;
      expect(lost).toBeInstanceOf(SchemaVersionStaleError);
      expect(lost).toMatchObject({ type, version: won === 2 ? 3 : 2, latest: won, retryable: true });
      expect(lost.message).toContain(`against version ${won}`);
      const bucket = await new Kvm(nc).open('event-schemas');
      expect(await bucket.get(`${type}.v${won === 2 ? 3 : 2}`)).toBeNull();
      expect((await registry.head(type)).latest?.version).toBe(won);
    }

    // Over the API: v2 and v3 posted at once while v1 is the latest. In every interleaving exactly
    // one is stored; the loser's 409 names the winner, and its retry is checked against the winner.
    for (let round = 0; round < 6; round++) {
      const type = `invoice.vposted_${round}`;
      await register({ type, version: 1, schema: V1 }).expect(201);
      const [v2, v3] = await Promise.all([register({ type, version: 2, schema: widened }), register({ type, version: 3, schema: v1Again })]);
      expect([v2.status, v3.status].sort()).toEqual([201, 409]);
      const winner = v2.status === 201 ? 2 : 3;
      const loser = winner === 2 ? v3 : v2;
      expect(loser.body.message).toContain(`version ${winner}`);
      if (winner === 2) {
        // v3 narrows against v2: its retry says so, and with the flag lands after v2.
        const retry = await register({ type, version: 3, schema: v1Again }).expect(409);
        expect(retry.body.changes).toEqual(['data.amount: type narrowed to number (was number|string)']);
        const flagged = await register({ type, version: 3, schema: v1Again, breaking: true }).expect(201);
        expect(flagged.body).toMatchObject({ previousVersion: 2, breaking: true });
      } else {
        // v2 is below v3 now: versions only go up, so the widening comes back as v4, checked against v3.
        expect(loser.body.message).toContain('send version 4');
        const retry = await register({ type, version: 4, schema: widened }).expect(201);
        expect(retry.body).toMatchObject({ previousVersion: 3, breaking: false });
      }
      const listed = await request(store.url).get('/events/schemas').set('X-Api-Key', ADMIN).expect(200);
      expect((listed.body.types as Array<{ type: string; schemaVersions: number[] }>).find((t) => t.type === type)?.schemaVersions).toEqual(winner === 2 ? [1, 2, 3] : [1, 3, 4]);
    }

    // The heads live in their own bucket: no reader of event-schemas sees one as a schema.
    for await (const key of await (await new Kvm(nc).open('event-schemas')).keys()) expect(key).toMatch(/\.v\d+$/);
    for (const s of await listRegisteredSchemas(nc)) expect(s.id).toBe(`mesh:schema:${s.type}:v${s.version}`);
    const doc = JSON.stringify((await request(store.url).get('/events/asyncapi.json').set('X-Api-Key', ADMIN).expect(200)).body);
    expect(doc).not.toContain('event-schema-heads');
  });

  it('rolls a claimed head forward: a registration that stopped after its claim is stored by the next one, which is checked against it', async () => {
    const type = 'invoice.half_done';
    await register({ type, version: 1, schema: V1 }).expect(201);
    const v2 = { ...V1, properties: { ...V1.properties, amount: { type: ['number', 'string'] } } };
    // What a process killed between its claim and its store leaves: the head at v2, no v2 schema.
    const heads = await new Kvm(nc).open('event-schema-heads');
    const head = await heads.get(type);
    await heads.update(type, JSON.stringify({ type, version: 2, id: `mesh:schema:${type}:v2`, schema: v2 }), head!.revision);
    const bucket = await new Kvm(nc).open('event-schemas');
    expect(await bucket.get(`${type}.v2`)).toBeNull();

    // v3 = v1 narrows against the claimed v2, and is told so; v2 is stored on the way.
    const refused = await register({ type, version: 3, schema: V1 }).expect(409);
    expect(refused.body.changes).toEqual(['data.amount: type narrowed to number (was number|string)']);
    expect((await bucket.get(`${type}.v2`))?.json<{ schema: unknown }>().schema).toEqual(v2);
    expect((await register({ type, version: 3, schema: V1, breaking: true }).expect(201)).body).toMatchObject({ previousVersion: 2 });
    // And the running producer applies the rolled-forward version like any other.
    await waitFor(() => producer.get(SchemaRegistry).validate(type, { invoiceId: 'i', amount: 'x' }, 2) !== undefined, { ...WAIT, message: 'v2 never reached the producer' });
  });

  it('yields to a version registered in code after the check: nothing overwritten, the head follows what is stored', async () => {
    const type = 'invoice.code_raced';
    const registry = producer.get(SchemaRegistry);
    await register({ type, version: 1, schema: V1 }).expect(201);
    const seen = await registry.head(type);
    // An app's start-up registration (a plain put, which moves no head) lands between check and write.
    const fromCode = { ...V1, description: 'from code' };
    await registry.register(type, 2, fromCode);
    await expect(registry.registerNew(type, 2, { ...V1, description: 'from the API' }, seen)).rejects.toThrow(SchemaVersionTakenError);
    const bucket = await new Kvm(nc).open('event-schemas');
    expect((await bucket.get(`${type}.v2`))?.json<{ schema: unknown }>().schema).toEqual(fromCode);
    expect((await (await new Kvm(nc).open('event-schema-heads')).get(type))?.json<{ schema: unknown }>().schema).toEqual(fromCode);
    expect((await registry.head(type)).latest).toMatchObject({ version: 2, schema: fromCode });
    // The next registration is checked against the version from code.
    expect((await register({ type, version: 3, schema: fromCode }).expect(201)).body).toMatchObject({ previousVersion: 2 });
  });

  it('checks a schema without storing it: the same refusals, the changes, and a sample event that the schema accepts', async () => {
    const check = (body: unknown) => request(store.url).post('/events/schemas/check').set('X-Api-Key', ADMIN).send(body as object);
    const draft = { type: 'object', required: ['parcelId', 'weightKg'], properties: { parcelId: { type: 'string', format: 'uuid' }, weightKg: { type: 'number', minimum: 0.5 }, status: { enum: ['packed', 'sent'] } } };
    const ok = await check({ type: 'parcel.checked', version: 1, schema: draft }).expect(200);
    expect(ok.body).toMatchObject({ type: 'parcel.checked', version: 1, previousVersion: null, breaking: false, changes: [] });
    expect(ok.body.sample).toMatchObject({ specversion: '1.0', type: 'parcel.checked', source: 'schema-editor', dataschema: 'mesh:schema:parcel.checked:v1', data: { parcelId: expect.any(String), weightKg: 0.5, status: 'packed' } });
    // Nothing stored, nothing audited: the type can still be registered as version 1.
    expect((await (await new Kvm(nc).open('event-schemas')).get('parcel.checked.v1'))).toBeNull();
    await register({ type: 'parcel.checked', version: 1, schema: draft }).expect(201);
    // Then the sample event is one the mesh accepts.
    await request(store.url).post('/events').set('X-Api-Key', ADMIN).send({ type: 'parcel.checked', data: ok.body.sample.data }).expect(200);
    expect((await check({ type: 'parcel.checked', version: 1, schema: draft }).expect(409)).body.message).toContain('send version 2');
    const narrower = await check({ type: 'parcel.checked', version: 2, schema: { ...draft, required: [...draft.required, 'status'] } }).expect(409);
    expect(narrower.body.changes).toEqual(['data.status: now required']);
    expect((await check({ type: 'parcel.checked', version: 2, schema: { ...draft, required: [...draft.required, 'status'] }, breaking: true }).expect(200)).body).toMatchObject({ previousVersion: 1, breaking: true });
    expect((await check({ type: 'parcel.checked', version: 2, schema: { type: 'objekt' } }).expect(400)).body.message).toContain('schema does not compile');
    expect(JSON.stringify((await check({ type: 'parcel.checked', version: 2 }).expect(400)).body)).toContain('schema must be a JSON Schema object');
    await request(store.url).post('/events/schemas/check').send({ type: 'parcel.checked', version: 2, schema: draft }).expect(401);
  });

  it('refuses bad input with a 400 naming the field', async () => {
    const badType = await register({ type: 'Invoice', version: 1, schema: V1 }).expect(400);
    expect(badType.body.message).toContain('type: Invalid event type "Invoice"');
    const noCompile = await register({ type: 'invoice.broken', version: 1, schema: { type: 'objekt' } }).expect(400);
    expect(noCompile.body.message).toContain('schema does not compile');
    const badVersion = await register({ type: 'invoice.broken', version: 0, schema: V1 }).expect(400);
    expect(JSON.stringify(badVersion.body)).toContain('version must not be less than 1');
    const noSchema = await register({ type: 'invoice.broken', version: 1, schema: 'x' }).expect(400);
    expect(JSON.stringify(noSchema.body)).toContain('schema must be a JSON Schema object');
    const listed = await request(store.url).get('/events/schemas').set('X-Api-Key', ADMIN).expect(200);
    expect((listed.body.types as Array<{ type: string }>).map((t) => t.type)).not.toContain('invoice.broken');
  });
});
