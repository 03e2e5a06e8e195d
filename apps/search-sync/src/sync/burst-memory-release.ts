import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SyncBatcher } from './sync-batcher.js';

/** What the release watches: events handled so far (indexed or not), and operations the index has not accepted yet. */
export interface BurstSource {
  readonly events: number;
  readonly backlog: number;
}

export interface BurstReleaseOptions {
  /** Events since the last release that make a burst worth a full GC. */
  burstEvents: number;
  /** How long no event arrived (and no operation waits) before the burst counts as over. */
  quietMs: number;
}

export const DEFAULT_BURST_RELEASE: BurstReleaseOptions = { burstEvents: 10_000, quietMs: 5_000 };

/**
 * Decides when a burst is over: enough events since the last release, then `quietMs` with none
 * arriving and nothing waiting for the index. Pure (the clock comes in), so it is unit-tested alone.
 */
export class BurstWatch {
  private lastEvents = 0;
  private releasedAt = 0;
  private activeAt = 0;

  constructor(private readonly options: BurstReleaseOptions) {}

  /** True once per burst, when it is over. */
  tick(source: BurstSource, now: number): boolean {
    const events = source.events;
    if (events !== this.lastEvents || source.backlog > 0) {
      this.lastEvents = events;
      this.activeAt = now;
      return false;
    }
    if (events - this.releasedAt < this.options.burstEvents || now - this.activeAt < this.options.quietMs) return false;
    this.releasedAt = events;
    return true;
  }
}

/** V8's `gc()`, made callable without `--expose-gc` on the command line (the flag applies to contexts created after it). */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Gives a burst's memory back once it is over. During a burst V8 grows the old generation to a few
 * times the live heap (`npm run bench:memory`, 100k events: ~300 MB RSS at the peak, still 222 MB = 1.6 × idle a
 * minute later with 71 MB of heap in use) and keeps those pages until its memory reducer runs,
 * which an app with a little background traffic may not do for minutes. One full GC when the
 * burst is over returns most of them (179 MB = 1.35 × idle, 5 s after the burst),
 * at the cost of one pause of tens of milliseconds while nothing is being indexed.
 */
@Injectable()
export class BurstMemoryRelease implements OnApplicationBootstrap, OnApplicationShutdown, BurstSource {
  private readonly logger = new Logger(BurstMemoryRelease.name);
  /** Events the handler took, counted by it: a burst of events the mapping refuses (dead-lettered) grows the heap too. */
  events = 0;
  private readonly watch = new BurstWatch(DEFAULT_BURST_RELEASE);
  private timer?: NodeJS.Timeout;
  private gc?: () => void;

  constructor(private readonly batcher: SyncBatcher) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      if (this.watch.tick(this, Date.now())) this.release();
    }, 1_000);
    this.timer.unref();
  }

  /** Operations the index has not accepted yet. */
  get backlog(): number {
    return this.batcher.backlog;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private release(): void {
    this.gc ??= fullGc();
    const before = process.memoryUsage.rss();
    this.gc();
    this.logger.log(`burst over: full GC, RSS ${mb(before)} MB → ${mb(process.memoryUsage.rss())} MB (heap pages go back to the OS shortly after)`);
  }
}

const mb = (bytes: number) => Math.round(bytes / 1_048_576);
