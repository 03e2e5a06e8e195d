import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { NatsConnection } from '@nats-io/transport-node';
import request from 'supertest';
import { configureHttpEdge, connectEventConsumer, EventsModule, EventsService, HEADER, NonRetryableError, STREAM_DLQ, type CloudEvent } from '@app/events';
import { waitFor } from '@app/testing';
import { Mesh, rawConnect, readStream, startMesh, testConfig } from './support.js';

/** What the transport must see: this error, not Nest's generic "Internal server error". */
const REFUSAL = 'test: provoked refusal, permanent';

@Controller()
class RefusingHandler {
  @EventPattern('refusal.sent')
  refuse(@Payload() _event: CloudEvent): Promise<void> {
    throw new NonRetryableError(REFUSAL);
  }

  @Get('boom')
  boom(): never {
    throw new Error('test: provoked HTTP failure');
  }
}

describe('a handler error reaches the transport as thrown (connectMicroservice, public API)', () => {
  let mesh: Mesh;
  let nc: NatsConnection;

  beforeAll(async () => {
    mesh = await startMesh('pass_through');
    nc = await rawConnect(mesh);
  });

  afterAll(async () => {
    await mesh?.close();
  });

  async function start(consumer: string, edge: boolean): Promise<INestApplication> {
    @Module({ imports: [EventsModule.forRoot({ service: consumer, consumer, config: testConfig(mesh) })], controllers: [RefusingHandler] })
    class AppModule {}
    const ref = await Test.createTestingModule({ imports: [AppModule] }).compile();
    const app = ref.createNestApplication({ logger: ['error', 'warn'] });
    if (edge) configureHttpEdge(app);
    await connectEventConsumer(app);
    await app.listen(0, '127.0.0.1');
    mesh.defer(() => app.close());
    return app;
  }

  /** The dead letter of `consumer`: a NonRetryableError goes there on its first delivery, named. */
  async function deadLetterOf(app: INestApplication, consumer: string) {
    await app.get(EventsService).publishEvent('refusal.sent', { consumer });
    return waitFor(async () => (await readStream(nc, STREAM_DLQ)).find((m) => m.subject === `dlq.${consumer}.refusal.sent`), {
      timeoutMs: 20_000,
      message: `no dead letter for ${consumer}`,
    });
  }

  it.each([
    ['without an HTTP edge filter', 'bare-app', false],
    ['with the HTTP edge filter (useGlobalFilters)', 'edge-app', true],
  ])('%s: the original error decides (non_retryable, first delivery) and is recorded', async (_, consumer, edge) => {
    const app = await start(consumer, edge);
    const dead = (await deadLetterOf(app, consumer))!;
    expect(dead.header.get(HEADER.error)).toBe(`NonRetryableError: ${REFUSAL}`);
    expect(dead.header.get(HEADER.dlqReason)).toBe('non_retryable');
    expect(dead.header.get(HEADER.deliveries)).toBe('1');
  });

  it('leaves HTTP errors to the HTTP filters: the edge answers, and without it Nest does', async () => {
    const url = async (consumer: string, edge: boolean) => ((await start(consumer, edge)).getUrl()).then((u) => u.replace('[::1]', '127.0.0.1'));
    const withEdge = await request(await url('edge-http', true)).get('/boom').expect(500);
    expect(withEdge.body).toMatchObject({ statusCode: 500, error: 'Internal Server Error' });
    expect(withEdge.headers['x-powered-by']).toBeUndefined();
    const bare = await request(await url('bare-http', false)).get('/boom').expect(500);
    expect(bare.body).toEqual({ statusCode: 500, message: 'Internal server error' });
  });
});
