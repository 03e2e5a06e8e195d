import request from 'supertest';
import { EventsService } from '@app/events';
import { NatsServerHarness, TestDatabase } from '@app/testing';
import { API_KEY, dispatcherTestConfig, RunningDispatcher, startDispatcher } from './support.js';
import { Receiver } from './receiver.js';

/** Most requests that arrived within any `spanMs` of each other. */
function busiest(times: number[], spanMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[i] - sorted[j] >= spanMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('a subscription rate limit holds across two dispatcher replicas (real nats-server, PostgreSQL and a local receiver)', () => {
  let nats: NatsServerHarness;
  let db: TestDatabase;
  const replicas: RunningDispatcher[] = [];
  let receiver: Receiver;

  beforeAll(async () => {
    nats = await NatsServerHarness.start();
    db = await TestDatabase.create('webhook_rate_replicas');
    // One after the other: the first runs the migrations.
    for (let i = 0; i < 2; i++) replicas.push(await startDispatcher(dispatcherTestConfig(nats, db)));
    receiver = await Receiver.start();
  });

  afterAll(async () => {
    for (const r of replicas) await r.close();
    await receiver?.close();
    await nats?.close();
    await db?.drop();
  });

  it('sends at most the limit per second between both replicas, so an endpoint gets no more than it asked for whichever replica sends', async () => {
    const RATE = 5;
    const N = 20;
    await request(replicas[0].url)
      .post('/webhooks/subscriptions')
      .set('X-Api-Key', API_KEY)
      .send({ name: 'rated', url: receiver.url, eventTypes: ['shared.*'], rateLimitPerSecond: RATE })
      .expect(201);
    const events = replicas[0].app.get(EventsService);
    await Promise.all(Array.from({ length: N }, (_, i) => events.publishEvent('shared.tick', { i })));
    const got = await receiver.delivered.waitForCount(N, 30_000);
    const times = got.map((r) => r.at);
    // One-second windows of 5 shared by both: 20 need four windows, so the last is 3 s or more after the first.
    // Each replica limiting on its own (10/s between them) would send all 20 in about 1.5 s.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(2_700);
    // Fixed windows allow a window's end and the next one's start close together: never more than two windows' worth.
    expect(busiest(times, 1_000)).toBeLessThanOrEqual(2 * RATE);
    expect(new Set(got.map((r) => JSON.parse(r.body).data.i)).size).toBe(N);
  });
});
