import { ConflictException, Injectable, Logger, NotFoundException, OnModuleDestroy } from '@nestjs/common';
import { uuidv7 } from '@app/events';
import { EventReplayer } from './event-replayer.service.js';
import type { ReplayFilter } from './replay-filter.js';
import type { ReplayJob } from './replay-job.views.js';
export type { ReplayJobState, ReplayJob } from './replay-job.views.js';

interface Running {
  job: ReplayJob;
  controller: AbortController;
  done: Promise<void>;
}

/** Finished jobs kept for `GET` (the oldest go first). */
const KEEP_FINISHED = 100;
/** At most one progress line per job this often. */
const PROGRESS_LOG_MS = 5_000;

/**
 * Replays as jobs: started at once (202), run in the background batch by batch, read and
 * cancelled by id. Jobs live in this process: a restart ends the running ones (recorded as
 * cancelled) and forgets them all.
 */
@Injectable()
export class ReplayJobs implements OnModuleDestroy {
  private readonly logger = new Logger(ReplayJobs.name);
  private readonly jobs = new Map<string, Running>();

  constructor(private readonly replayer: EventReplayer) {}

  /** Starts replaying to a consumer already checked (`EventReplayer.assertKnownConsumer`); returns the job as it starts. */
  start(consumer: string, filter: ReplayFilter, limit: number, echo: Record<string, unknown>, actor?: string): ReplayJob {
    const job: ReplayJob = { jobId: uuidv7(), consumer, filter: echo, state: 'running', queued: 0, limit, startedAt: new Date().toISOString(), finishedAt: null, error: null };
    const controller = new AbortController();
    let lastLog = Date.now();
    const onProgress = (queued: number) => {
      job.queued = queued;
      if (Date.now() - lastLog < PROGRESS_LOG_MS) return;
      lastLog = Date.now();
      this.logger.log(`replay job ${job.jobId} to ${consumer}: ${queued} of at most ${limit} events queued`);
    };
    this.logger.log(`replay job ${job.jobId} to ${consumer} started: ${JSON.stringify(echo)}`);
    const done = this.replayer
      .run(consumer, filter, limit, echo, { signal: controller.signal, onProgress, actor })
      .then((outcome) => {
        job.queued = outcome.queued;
        job.state = outcome.cancelled === undefined ? 'done' : 'cancelled';
        job.error = outcome.cancelled ?? null;
      })
      .catch((err: Error) => {
        job.state = 'failed';
        job.error = err.message;
        this.logger.warn(`replay job ${job.jobId} to ${consumer} failed: ${err.message}`);
      })
      .finally(() => {
        job.finishedAt = new Date().toISOString();
        this.logger.log(`replay job ${job.jobId} to ${consumer} ${job.state}: ${job.queued} events queued`);
        this.forgetOldest();
      });
    this.jobs.set(job.jobId, { job, controller, done });
    return { ...job };
  }

  /** Every job this process keeps (the running ones and the last finished ones), newest first. */
  list(): ReplayJob[] {
    // Job ids are UUID v7: their text order is their start order.
    return [...this.jobs.values()].map((r) => ({ ...r.job })).sort((a, b) => (a.jobId < b.jobId ? 1 : a.jobId > b.jobId ? -1 : 0));
  }

  /** The job now; 404 for an id this process does not know. */
  get(jobId: string): ReplayJob {
    return { ...this.find(jobId).job };
  }

  /** Stops a running job after its current batch and resolves with it cancelled; 409 for a finished one. */
  async cancel(jobId: string, by: string): Promise<ReplayJob> {
    const running = this.find(jobId);
    if (running.job.state !== 'running') throw new ConflictException(`Replay job ${jobId} is already ${running.job.state}: only a running job can be cancelled`);
    running.controller.abort(`cancelled by ${by}`);
    await running.done;
    return { ...running.job };
  }

  /** Shutting down: running jobs stop after their batch, recorded as cancelled by the shutdown (not failed). */
  async onModuleDestroy(): Promise<void> {
    const running = [...this.jobs.values()].filter((r) => r.job.state === 'running');
    for (const r of running) r.controller.abort('the event-store shut down');
    await Promise.all(running.map((r) => r.done));
  }

  private find(jobId: string): Running {
    const running = this.jobs.get(jobId);
    if (!running) throw new NotFoundException(`No replay job ${jobId} in this event-store process (jobs are kept in memory: a restart forgets them)`);
    return running;
  }

  private forgetOldest(): void {
    const finished = [...this.jobs.values()].filter((r) => r.job.state !== 'running');
    for (const r of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(r.job.jobId);
  }
}
