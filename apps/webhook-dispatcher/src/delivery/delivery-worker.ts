import { setMaxListeners } from 'node:events';
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { EVENTS_CONFIG, JetStreamServer, PgListener, type EventsConfig } from '@app/events';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { DeliveryRepository, DELIVERIES_CHANNEL } from './delivery.repository.js';
import { DeliveryExecutor } from './delivery-executor.js';
import { DeliverySignal } from './delivery-signal.js';
import { OutcomeWriter } from './outcome.writer.js';
import { LaneRateLimit, LaneRateLimits } from './lane-rate-limit.js';
import type { ClaimedDelivery } from './delivery.types.js';
import { WebhookMetrics } from './webhook-metrics.js';

/** One subscription's share of this instance: its own in-flight count and rate limit. */
interface Lane {
  id: string;
  /** Requests sent and not answered yet, plus failures answered and not committed (they keep their slot). */
  sending: number;
  /** Deliveries sent whose outcome is not committed yet (the crash window): `sending` plus answered successes awaiting their commit. */
  unsettled: number;
  /** Claimed ahead (or leased at fan-out), oldest first, to start the moment a slot frees. */
  ready: Ready[];
  /**
   * The table may hold claimable rows of it (unleased due ones): claims run only then. Cleared by a
   * claim that came back short while no unleased rows of it were being written; set by anything
   * that can make rows claimable (a fan-out writing them unleased, a wake-up, a scan finding them).
   * While clear, fresh rows go to the lane leased at fan-out (they cannot overtake older ones).
   */
  backlog: boolean;
  /** Fresh rows promised to the lane by fan-outs whose transaction has not committed yet. */
  reserved: number;
  /** Fan-outs under way writing rows of it unleased, and how many ever did: a claim that started before one cannot clear `backlog`. */
  unleasedWriting: number;
  unleasedWrites: number;
  bucket?: LaneRateLimit;
  /** The rate limit is known (a scan has seen the subscription), so a wake-up may claim at once. */
  configured: boolean;
  pumping: boolean;
  again: boolean;
  /** Pending wake-up once the rate limit has a token again. */
  timer?: NodeJS.Timeout;
  /** Requests started in the current and the last whole second: sizes the rows claimed ahead. */
  started: number;
  startedLastSecond: number;
  secondStart: number;
}

/** A delivery claimed ahead of a free slot. */
interface Ready {
  delivery: ClaimedDelivery;
  /** Date.now() after which its lease may no longer cover a request's timeout: handed back instead of sent. */
  sendBy: number;
}

/**
 * Longest a row claimed ahead waits for a slot before its lease is handed back: it was claimed
 * from an active subscription with its url and secret of then, so a subscription disabled or
 * changed meanwhile gets at most this much of the old state.
 */
const READY_MAX_MS = 2_000;

/**
 * Fresh rows a lane takes from a fan-out, leased in its insert, hold at most this long of its
 * sending rate (a lane's worth and the rows claimed ahead at least, FRESH_MAX at most): they wait
 * in memory for a slot, and are handed back unsent after READY_MAX_MS.
 */
const FRESH_AHEAD_MS = 1_000;
const FRESH_MAX = 2_000;

/** Most rows one claim statement leases. */
const CLAIM_BATCH = 400;
/**
 * A busy lane holds about this long of its own sending rate claimed ahead (a lane's worth at
 * least, CLAIM_BATCH at most): under load a claim takes tens of ms, and one lane's worth per
 * claim left the lane waiting for claims, not answers. At 250 ms (100 rows at most) a burst's
 * lane still waited for its next claim most of the time (claims of ~40 rows, each ~30 ms on a
 * loaded machine, the latency mostly queueing, not the statement): a second's worth makes a
 * claim ~3 × larger for about the same wait, so a third of the claims and fewer idle slots. It stays
 * within READY_MAX_MS, after which a row not yet sent is handed back.
 */
const AHEAD_MS = 1_000;
/** After the grace, cut-off requests only have their leases released: this bounds that last write. */
const RELEASE_GRACE_MS = 4_000;

const settled = (work: Iterable<Promise<void>>, ms: number): Promise<boolean> =>
  Promise.race([Promise.all(work).then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms).unref())]);

/**
 * Sends due deliveries. Each subscription has a lane: at most WEBHOOK_ENDPOINT_CONCURRENCY
 * requests in flight and its `rateLimitPerSecond`, inside WEBHOOK_CONCURRENCY for the instance.
 * A lane claims its own due rows (`FOR UPDATE SKIP LOCKED`, with a lease), so a slow endpoint
 * fills only its own lane and never the others', and replicas share the work without
 * sending a delivery twice. Workers wake on this instance's fan-out commits, on NOTIFY from
 * other instances and re-queues, and on a poll (scheduled retries, expired leases).
 *
 * A lane slot is freed when the endpoint answers 2xx, so the next request does not wait for the
 * previous outcome's commit (pipelining), but the deliveries sent whose outcome is not durable yet
 * (what a crash sends again) stay capped: WEBHOOK_CRASH_WINDOW per lane (default twice
 * WEBHOOK_ENDPOINT_CONCURRENCY), and WEBHOOK_CONCURRENCY times the same ratio per instance. A
 * failed attempt keeps its slot until its outcome (and a disabling it causes) is committed, as
 * before, so a failing endpoint gets no more requests past its disabling than without pipelining.
 *
 * A lane without a rate limit also holds rows claimed ahead (a lane's worth, or 1 s of a busy lane's rate, 400 rows at most; leased, not
 * sent), so a freed slot starts its next request at once instead of waiting for a claim round
 * trip, and claims come in batches. Rows claimed ahead were never sent: a crash repeats none of
 * them (they are due again when their lease ends), and shutdown hands them back.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly lanes = new Map<string, Lane>();
  /** Lanes held back by the instance-wide limit, resumed as requests finish. */
  private readonly starved = new Set<Lane>();
  /** Instance-wide counterparts of the lanes' `sending` and `unsettled`. */
  private sending = 0;
  private unsettled = 0;
  private running = false;
  private scanning = false;
  private rescan = false;
  private poll?: NodeJS.Timeout;
  private listener?: PgListener;
  private readonly sends = new Set<Promise<void>>();
  /** Claim statements under way: shutdown waits for them too, since their rows are handed back. */
  private readonly claims = new Set<Promise<unknown>>();
  /** Cuts off requests still running when the shutdown grace ends. */
  private readonly stopping = new AbortController();
  /** Sent-but-not-durable deliveries allowed per lane (WEBHOOK_CRASH_WINDOW), and for the instance in the same ratio to its concurrency. */
  private readonly crashWindow: number;
  private readonly instanceCrashWindow: number;
  /** AHEAD_MS, or half the time a row claimed ahead may wait for its slot when the lease margin makes that shorter. */
  private readonly aheadMs: number;

  constructor(
    private readonly repository: DeliveryRepository,
    private readonly executor: DeliveryExecutor,
    private readonly outcomes: OutcomeWriter,
    signal: DeliverySignal,
    private readonly rateLimits: LaneRateLimits,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
    @Inject(EVENTS_CONFIG) private readonly events: EventsConfig,
    @Optional() private readonly consumer?: JetStreamServer,
    @Optional() private readonly metrics?: WebhookMetrics,
  ) {
    const { concurrency, endpointConcurrency } = config;
    this.crashWindow = Math.max(endpointConcurrency, config.crashWindow ?? 2 * endpointConcurrency);
    this.instanceCrashWindow = Math.ceil((concurrency * this.crashWindow) / endpointConcurrency);
    this.aheadMs = Math.min(AHEAD_MS, Math.min(READY_MAX_MS, config.leaseMarginMs / 2) / 2);
    // Every open request listens to it (up to WEBHOOK_CONCURRENCY at once), and stops listening when it ends.
    setMaxListeners(0, this.stopping.signal);
    signal.on((ids) => {
      for (const id of ids) {
        const lane = this.lanes.get(id);
        if (lane) lane.backlog = true;
        if (lane?.configured) void this.pump(lane);
        else void this.scan();
      }
    });
    signal.onDisabled((id) => {
      const lane = this.lanes.get(id);
      if (lane) this.handBackReady(lane);
    });
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.listener = new PgListener(this.events.databaseUrl, DELIVERIES_CHANNEL, () => void this.scan());
    this.listener.start();
    this.poll = setInterval(() => void this.scan(), this.config.pollIntervalMs);
    void this.scan();
  }

  /** Deliveries in flight in this instance (sent, or answered with the outcome not yet committed). */
  get active(): number {
    return this.unsettled;
  }

  /** Finds every subscription with due work and pumps its lane; overlapping calls coalesce into one more run. */
  private async scan(): Promise<void> {
    if (!this.running) return;
    if (this.scanning) {
      this.rescan = true;
      return;
    }
    this.scanning = true;
    try {
      do {
        this.rescan = false;
        const due = await this.repository.dueSubscriptions();
        for (const s of due) {
          const lane = this.lane(s.id);
          if (s.rate_limit_per_second === null) lane.bucket = undefined;
          else if (lane.bucket) lane.bucket.setRate(s.rate_limit_per_second);
          else lane.bucket = this.rateLimits.for(s.id, s.rate_limit_per_second);
          lane.configured = true;
          lane.backlog = true;
          void this.pump(lane);
        }
        // Lanes holding rows claimed ahead have no unleased due rows to show up above: start (or hand back) those too.
        for (const lane of this.lanes.values()) if (lane.ready.length > 0) void this.pump(lane);
      } while (this.rescan && this.running);
    } catch (err) {
      this.logger.warn(`looking for due deliveries failed (${(err as Error).message}); next poll retries`);
    } finally {
      this.scanning = false;
    }
  }

  private lane(id: string): Lane {
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = {
        id, sending: 0, unsettled: 0, ready: [], backlog: true, reserved: 0, unleasedWriting: 0, unleasedWrites: 0,
        configured: false, pumping: false, again: false, started: 0, startedLastSecond: 0, secondStart: Date.now(),
      };
      this.lanes.set(id, lane);
    }
    return lane;
  }

  /** Claims and starts as much of the lane's due work as its limits allow. */
  private async pump(lane: Lane): Promise<void> {
    if (!this.running) return;
    if (lane.pumping) {
      lane.again = true;
      return;
    }
    lane.pumping = true;
    try {
      do {
        lane.again = false;
        await this.fill(lane);
      } while (lane.again && this.running);
    } catch (err) {
      this.logger.warn(`claiming deliveries of subscription ${lane.id} failed (${(err as Error).message}); next poll retries`);
    } finally {
      lane.pumping = false;
    }
  }

  private async fill(lane: Lane): Promise<void> {
    while (this.running) {
      this.startReady(lane);
      const globalRoom = this.globalRoom();
      if (globalRoom <= 0) {
        this.starved.add(lane);
        return;
      }
      // Tokens for the lane's free slots (its ready rows included), taken from the window shared by all replicas.
      const tokens = lane.bucket ? await lane.bucket.reserve(this.laneRoom(lane)) : Infinity;
      if (tokens <= 0) return this.wakeWhenToken(lane);
      // A rate-limited lane claims only what it may send now: rows held ahead would wait for tokens with their lease running.
      const ahead = lane.bucket ? 0 : this.aheadOf(lane);
      const laneRoom = this.laneRoom(lane);
      const room = Math.min(laneRoom + ahead - lane.ready.length, globalRoom + ahead, tokens, CLAIM_BATCH);
      // Claim in batches of half a lane (or half the rows held ahead) at least, unless the lane is idle or the limits allow no more.
      const half = Math.ceil(Math.max(this.config.endpointConcurrency, ahead) / 2);
      const idle = lane.unsettled === 0 && lane.ready.length === 0;
      if (room <= 0 || (!idle && room < Math.min(half, tokens))) return;
      // Nothing claimable in the table (fresh rows come leased from the fan-out): no empty round trip.
      if (!lane.backlog) return;
      const writes = lane.unleasedWrites;
      const quiet = lane.unleasedWriting === 0;
      const claimedAt = Date.now();
      const claim = this.repository.claim(lane.id, room, this.config.leaseMarginMs);
      this.claims.add(claim);
      let claimed: ClaimedDelivery[];
      try {
        claimed = await claim;
      } finally {
        this.claims.delete(claim);
      }
      // The lease is at least the timeout plus the margin from the claim: a request started within half the margin ends inside it.
      const sendBy = claimedAt + Math.min(READY_MAX_MS, this.config.leaseMarginMs / 2);
      if (claimed.length > 0) this.metrics?.leased.inc({ by: 'claim' }, claimed.length);
      for (const delivery of claimed) lane.ready.push({ delivery, sendBy });
      // Shutdown began during the claim: hand the rows back rather than send them.
      if (!this.running) return this.handBackReady(lane);
      if (claimed.length < room) {
        // The table had no more: fresh rows may come leased from the fan-out, unless unleased ones were being written meanwhile.
        if (!lane.bucket && quiet && lane.unleasedWrites === writes) lane.backlog = false;
        return this.startReady(lane);
      }
    }
  }

  /**
   * How many of `count` fresh deliveries (just matched by a fan-out, oldest first) of an active,
   * unordered subscription without a rate limit this instance takes leased from the insert, so they
   * are sent without a claim round trip; only the first `candidates` may be taken. Only while the
   * lane has no backlog in the table (they would overtake it) and within about FRESH_AHEAD_MS of its
   * sending rate; the rest are written unleased and claimed as usual. Every call is answered by one
   * {@link adoptFresh} once the fan-out settles.
   */
  reserveFresh(subscriptionId: string, count: number, candidates = count): number {
    const lane = this.lane(subscriptionId);
    if (!lane.configured) lane.configured = true; // the fan-out read it: no rate limit
    const take = !this.running || lane.backlog || lane.bucket ? 0 : Math.max(0, Math.min(candidates, this.freshRoom(lane)));
    lane.reserved += take;
    if (take < count) {
      // The rest goes into the table unleased: claims find it; no fresh row may overtake it.
      lane.backlog = true;
      lane.unleasedWriting++;
      lane.unleasedWrites++;
    }
    return take;
  }

  /**
   * The fan-out behind a {@link reserveFresh} settled: `fresh` holds its rows inserted leased by
   * this instance (none when it failed, or they existed already). They join the lane's ready rows,
   * or are handed back when shutdown began meanwhile.
   */
  adoptFresh(subscriptionId: string, count: number, reserved: number, fresh: ClaimedDelivery[], startedAt: number): void {
    const lane = this.lane(subscriptionId);
    lane.reserved -= reserved;
    if (reserved < count) lane.unleasedWriting--;
    if (fresh.length === 0) return;
    this.metrics?.leased.inc({ by: 'fan_out' }, fresh.length);
    if (!this.running) {
      for (const delivery of fresh) this.handBack(delivery);
      return;
    }
    // Each lease began at its row's insert, after `startedAt`: counting from `startedAt` errs on the safe side.
    const sendBy = startedAt + Math.min(READY_MAX_MS, this.config.leaseMarginMs / 2);
    for (const delivery of fresh) lane.ready.push({ delivery, sendBy });
    this.startReady(lane);
  }

  /** Fresh rows the lane may still take: its free slots plus what it holds ahead, less what it holds and was promised. */
  private freshRoom(lane: Lane): number {
    const ahead = Math.max(this.aheadOf(lane), Math.min(FRESH_MAX, Math.ceil((lane.startedLastSecond * FRESH_AHEAD_MS) / 1_000)));
    return Math.max(0, this.laneRoom(lane)) + ahead - lane.ready.length - lane.reserved;
  }

  /** Starts ready rows while the lane, the instance and the rate limit have room; stale ones are handed back. */
  private startReady(lane: Lane): void {
    while (lane.ready.length > 0 && this.laneRoom(lane) > 0 && this.globalRoom() > 0) {
      if (lane.bucket && lane.bucket.available() <= 0) return this.wakeWhenToken(lane);
      const { delivery, sendBy } = lane.ready.shift()!;
      if (Date.now() > sendBy) {
        this.handBack(delivery);
        continue;
      }
      lane.bucket?.take(1);
      this.start(lane, delivery);
    }
    // Held back by the instance-wide limit: resumed when any request finishes. Without this, rows
    // claimed ahead sat leased in a lane nothing woke (the scan sees only unleased rows) until their lease ended.
    if (lane.ready.length > 0 && this.globalRoom() <= 0) this.starved.add(lane);
  }

  /** Rows to hold claimed ahead: `aheadMs` of the lane's rate over the last second, within a lane's worth and CLAIM_BATCH. */
  private aheadOf(lane: Lane): number {
    const c = this.config.endpointConcurrency;
    return Math.max(c, Math.min(CLAIM_BATCH, Math.ceil((lane.startedLastSecond * this.aheadMs) / 1_000)));
  }

  /** Requests the lane may start now: a free request slot, and room under its cap of sent-but-not-durable deliveries. */
  private laneRoom(lane: Lane): number {
    return Math.min(this.config.endpointConcurrency - lane.sending, this.crashWindow - lane.unsettled);
  }

  private globalRoom(): number {
    return Math.min(this.config.concurrency - this.sending, this.instanceCrashWindow - this.unsettled);
  }

  private handBackReady(lane: Lane): void {
    for (const { delivery } of lane.ready.splice(0)) this.handBack(delivery);
  }

  /** Releases the lease of a row claimed but never sent, so any instance can claim it at once. */
  private handBack(delivery: ClaimedDelivery): void {
    const work = this.outcomes.release(delivery).catch((err: Error) => {
      this.logger.error(`delivery ${delivery.id} not handed back (${err.message}); it is due again when its lease ends`);
    });
    const tracked = work.finally(() => this.sends.delete(tracked));
    this.sends.add(tracked);
  }

  private wakeWhenToken(lane: Lane): void {
    if (lane.timer) return;
    lane.timer = setTimeout(() => {
      lane.timer = undefined;
      void this.pump(lane);
    }, lane.bucket!.msUntilNext());
    lane.timer.unref();
  }

  /**
   * Sends one delivery and commits its outcome (group commit). A 2xx frees the request slot at
   * once and stays counted as unsettled until its commit; any other outcome holds the slot until
   * its commit. A request the dispatcher cut off itself is no attempt: its lease is released instead.
   */
  private start(lane: Lane, delivery: ClaimedDelivery): void {
    const now = Date.now();
    if (now - lane.secondStart >= 1_000) {
      // A lane idle for over a second starts again from a lane's worth.
      lane.startedLastSecond = now - lane.secondStart < 2_000 ? lane.started : 0;
      lane.started = 0;
      lane.secondStart = now;
    }
    lane.started++;
    lane.sending++;
    this.sending++;
    lane.unsettled++;
    this.unsettled++;
    let answered = false;
    const answer = (): void => {
      answered = true;
      lane.sending--;
      this.sending--;
    };
    const send = (async () => {
      const outcome = await this.executor.attempt(delivery, this.stopping.signal);
      if (outcome?.effect === 'success') {
        answer();
        this.release(lane);
      }
      if (outcome) await this.outcomes.record(outcome);
      else await this.outcomes.release(delivery);
    })()
      .catch((err: Error) => {
        // The lease runs out and the delivery is due again: delayed, not lost.
        this.logger.error(`delivery ${delivery.id} outcome not recorded (${err.message}); it is sent again when its lease ends`);
      })
      .finally(() => {
        this.sends.delete(send);
        if (!answered) answer();
        lane.unsettled--;
        this.unsettled--;
        this.release(lane);
      });
    this.sends.add(send);
  }

  /** A slot or some unsettled room came free: let waiting lanes, then this one, use it. */
  private release(lane: Lane): void {
    // Lanes waiting for the instance-wide limit go first, so a lane with rows in hand cannot keep every freed slot.
    this.resumeStarved();
    // Then the next request starts at once from the rows claimed ahead; the pump claims more when they run low (in batches).
    if (this.running) this.startReady(lane);
    void this.pump(lane);
  }

  private resumeStarved(): void {
    // A lane that still finds no room adds itself again: take a snapshot first.
    const waiting = [...this.starved];
    this.starved.clear();
    for (const lane of waiting) void this.pump(lane);
  }

  /** Waits until no claim is under way and every send (or release) has committed; false at the deadline. */
  private async drain(deadline: number): Promise<boolean> {
    while (this.sends.size > 0 || this.claims.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0 || !(await settled([...this.sends, ...[...this.claims].map((c) => c.then(() => undefined, () => undefined))], left))) return false;
    }
    return true;
  }

  /**
   * Runs before the shutdown phase closes the HTTP client, the pool and the NATS connection:
   * stop pulling events (fan-outs in progress commit), stop claiming, let requests already sent
   * finish within WEBHOOK_SHUTDOWN_GRACE and commit their outcomes; any still running then are
   * cut off and their leases released, so another replica or the next start sends them at once.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer?.close();
    this.running = false;
    clearInterval(this.poll);
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    await this.listener?.stop();
    for (const lane of this.lanes.values()) this.handBackReady(lane);
    if (await this.drain(Date.now() + this.config.shutdownGraceMs)) return;
    const cut = this.sends.size;
    this.stopping.abort(new Error('the dispatcher is shutting down'));
    if (await this.drain(Date.now() + RELEASE_GRACE_MS)) {
      this.logger.warn(`${cut} request(s) still running after ${this.config.shutdownGraceMs} ms were cut off; their deliveries were released for the next start`);
    } else {
      this.logger.warn(`${this.sends.size} delivery(ies) not released in time; their leases end on their own and they are sent again then`);
    }
  }
}
