import { Logger, type LoggerService } from '@nestjs/common';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What the release watches: messages the transport took so far, and handlers still running. */
export interface BurstSource {
  readonly events: number;
  readonly backlog: number;
}

export interface BurstReleaseOptions {
  /** Events since the last release that make a burst worth a full GC. */
  burstEvents: number;
  /** How long no event arrived (and no handler ran) before the burst counts as over. */
  quietMs: number;
}

export const DEFAULT_BURST_RELEASE: BurstReleaseOptions = { burstEvents: 10_000, quietMs: 5_000 };

/**
 * Decides when a burst is over: enough events since the last release, then `quietMs` with none
 * arriving and no handler running. Pure (the clock comes in), so it is unit-tested alone.
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

const mb = (bytes: number) => Math.round(bytes / 1_048_576);

/**
 * Gives a burst's memory back once it is over, in every consumer app (the transport owns one).
 * During a burst V8 grows the old generation to a few times the live heap and keeps those pages
 * until its memory reducer runs, which an app with a little background traffic may not do for
 * minutes (`npm run bench:memory`, 100k events: search-sync 1.6 × idle and webhook-dispatcher
 * 1.9 × idle a minute later). One full GC when the burst is over returns them within seconds, at
 * the cost of one pause of tens of milliseconds while no handler runs.
 */
export class BurstMemoryRelease {
  private readonly watch: BurstWatch;
  private timer?: NodeJS.Timeout;
  private gc?: () => void;

  constructor(
    private readonly source: BurstSource,
    options: BurstReleaseOptions = DEFAULT_BURST_RELEASE,
    private readonly logger: LoggerService = new Logger(BurstMemoryRelease.name),
  ) {
    this.watch = new BurstWatch(options);
  }

  start(): void {
    this.timer ??= setInterval(() => {
      if (this.watch.tick(this.source, Date.now())) this.release();
    }, 1_000).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private release(): void {
    this.gc ??= fullGc();
    const before = process.memoryUsage();
    this.gc();
    const after = process.memoryUsage();
    this.logger.log(
      `burst over: full GC, heap used ${mb(before.heapUsed)} → ${mb(after.heapUsed)} MB, RSS ${mb(before.rss)} → ${mb(after.rss)} MB (freed heap pages go back to the OS shortly after)`,
    );
  }
}
