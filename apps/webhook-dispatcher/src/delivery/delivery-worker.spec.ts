import { deferred, type Deferred } from '@app/testing';
import type { EventsConfig } from '@app/events';
import type { WebhookConfig } from '../config/webhook-env.js';
import { DeliverySignal } from './delivery-signal.js';
import { DeliveryWorker } from './delivery-worker.js';
import type { DeliveryExecutor } from './delivery-executor.js';
import type { DeliveryRepository } from './delivery.repository.js';
import type { OutcomeWriter } from './outcome.writer.js';
import type { ClaimedDelivery, DeliveryOutcome, SubscriptionEffect } from './delivery.types.js';
import type { LaneRateLimits } from './lane-rate-limit.js';

const LANE = 2;
const tick = () => new Promise((r) => setTimeout(r, 20));

/**
 * The lane accounting on its own, with the database and HTTP parts replaced by promises the test
 * settles: which requests start depends only on answers and commits.
 */
function harness(pool = 20, crashWindow?: number) {
  const rows: ClaimedDelivery[] = Array.from({ length: pool }, (_, i) => ({ id: `d${i}`, subscriptionId: 's1' }) as ClaimedDelivery);
  const answers = new Map<string, Deferred<DeliveryOutcome | null>>();
  const commits = new Map<string, Deferred<void>>();
  const repository = {
    dueSubscriptions: async () => (rows.length > 0 ? [{ id: 's1', rate_limit_per_second: null }] : []),
    claim: async (_id: string, limit: number) => rows.splice(0, limit),
  } as unknown as DeliveryRepository;
  const executor = {
    attempt: (d: ClaimedDelivery) => {
      const answer = deferred<DeliveryOutcome | null>();
      answers.set(d.id, answer);
      return answer.promise;
    },
  } as unknown as DeliveryExecutor;
  const outcomes = {
    record: (o: DeliveryOutcome) => {
      const commit = deferred<void>();
      commits.set(o.delivery.id, commit);
      return commit.promise;
    },
    release: async () => undefined,
  } as unknown as OutcomeWriter;
  const config = { concurrency: 100, endpointConcurrency: LANE, crashWindow, leaseMarginMs: 30_000, pollIntervalMs: 60_000, shutdownGraceMs: 1_000 } as WebhookConfig;
  const events = { databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres' } as EventsConfig;
  // The subscriptions here have no rate limit, so the shared limiter is never asked for.
  const rateLimits = { for: () => { throw new Error('no rate limit in this spec'); } } as unknown as LaneRateLimits;
  const worker = new DeliveryWorker(repository, executor, outcomes, new DeliverySignal(), rateLimits, config, events);
  const answer = async (id: string, effect: SubscriptionEffect) => {
    answers.get(id)!.resolve({ delivery: { id, subscriptionId: 's1' }, effect } as DeliveryOutcome);
    await tick();
  };
  const commit = async (id: string) => {
    commits.get(id)!.resolve();
    await tick();
  };
  const stop = async () => {
    for (const a of answers.values()) a.resolve(null);
    for (const c of commits.values()) c.resolve();
    await worker.beforeApplicationShutdown();
  };
  return { worker, started: () => [...answers.keys()], answer, commit, stop };
}

describe(DeliveryWorker.name, () => {
  let h: ReturnType<typeof harness>;
  afterEach(() => h.stop());

  it('frees a request slot at a 2xx answer, before the commit, up to twice the lane awaiting commit', async () => {
    h = harness();
    h.worker.onApplicationBootstrap();
    await tick();
    expect(h.started()).toEqual(['d0', 'd1']);
    await h.answer('d0', 'success');
    await h.answer('d1', 'success');
    // Both answered, neither committed: their slots send the next two.
    expect(h.started()).toEqual(['d0', 'd1', 'd2', 'd3']);
    expect(h.worker.active).toBe(4);
    await h.answer('d2', 'success');
    // Two answered 2xx, two sent, none durable: the lane's cap of 2 × 2 holds the next one back.
    expect(h.started()).toHaveLength(4);
    await h.commit('d0');
    expect(h.started()).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    expect(h.worker.active).toBe(4);
  });

  it('lets WEBHOOK_CRASH_WINDOW widen the room for 2xx answers awaiting their commit, and no further', async () => {
    h = harness(20, 5);
    h.worker.onApplicationBootstrap();
    await tick();
    for (const id of ['d0', 'd1', 'd2']) await h.answer(id, 'success');
    // Three answered, two open: the window of 5 is full, though the lane of 2 has no request open beyond them.
    expect(h.started()).toEqual(['d0', 'd1', 'd2', 'd3', 'd4']);
    expect(h.worker.active).toBe(5);
    await h.answer('d3', 'success');
    expect(h.started()).toHaveLength(5);
    await h.commit('d1');
    expect(h.started()).toEqual(['d0', 'd1', 'd2', 'd3', 'd4', 'd5']);
  });

  it('sends fresh rows leased at fan-out without a claim once a claim found the table empty', async () => {
    h = harness(1);
    // A new lane may have rows waiting in the table: it takes none fresh before a claim has looked.
    expect(h.worker.reserveFresh('s1', 1)).toBe(0);
    h.worker.adoptFresh('s1', 1, 0, [], Date.now());
    h.worker.onApplicationBootstrap();
    await tick();
    expect(h.started()).toEqual(['d0']);
    // That claim came back short: the next fresh row goes straight to the free slot.
    expect(h.worker.reserveFresh('s1', 1)).toBe(1);
    h.worker.adoptFresh('s1', 1, 1, [{ id: 'f0', subscriptionId: 's1' } as ClaimedDelivery], Date.now());
    expect(h.started()).toEqual(['d0', 'f0']);
  });

  it('takes fresh rows within its room only, and none after some went to the table unleased', async () => {
    h = harness(1);
    h.worker.onApplicationBootstrap();
    await tick();
    expect(h.started()).toEqual(['d0']);
    // Lane of 2 with one request open: one free slot plus a lane's worth held ahead.
    expect(h.worker.reserveFresh('s1', 10)).toBe(3);
    // The other seven are written unleased: later fresh rows would overtake them, so the lane takes none.
    expect(h.worker.reserveFresh('s1', 1)).toBe(0);
    const fresh = ['f0', 'f1', 'f2'].map((id) => ({ id, subscriptionId: 's1' }) as ClaimedDelivery);
    h.worker.adoptFresh('s1', 10, 3, fresh, Date.now());
    h.worker.adoptFresh('s1', 1, 0, [], Date.now());
    expect(h.started()).toEqual(['d0', 'f0']);
    await h.answer('d0', 'success');
    expect(h.started()).toEqual(['d0', 'f0', 'f1']);
  });

  it('keeps a failed attempt in its slot until its outcome is committed', async () => {
    h = harness();
    h.worker.onApplicationBootstrap();
    await tick();
    await h.answer('d0', 'failure');
    await h.answer('d1', 'gone');
    // A disabling commits with those outcomes: nothing more starts before it.
    expect(h.started()).toEqual(['d0', 'd1']);
    await h.commit('d0');
    expect(h.started()).toEqual(['d0', 'd1', 'd2']);
  });
});
