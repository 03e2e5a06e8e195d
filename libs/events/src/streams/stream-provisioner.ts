import { Inject, Injectable, Logger } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { EVENTS_CONFIG, SCHEMA_BUCKET, SCHEMA_HEAD_BUCKET } from '../events.constants.js';
import type { EventsConfig } from '../config/events-config.js';
import { streamSpecs } from './stream-specs.js';

const FIELDS: (keyof StreamConfig)[] = ['subjects', 'max_age', 'num_replicas', 'duplicate_window', 'storage', 'retention'];

/**
 * Creates the mesh's streams or brings them up to date. Every app runs it at start-up, so it must
 * be idempotent and survive a race with another app creating the same stream at the same moment.
 */
@Injectable()
export class StreamProvisioner {
  private readonly logger = new Logger(StreamProvisioner.name);

  constructor(@Inject(EVENTS_CONFIG) private readonly config: EventsConfig) {}

  /**
   * Retries {@link ensureStreams} (a cluster may still be electing, a restarted server replaying)
   * until it succeeds or `stopped()`; true when the streams exist.
   */
  async ensureStreamsUntilDone(jsm: JetStreamManager, stopped: () => boolean): Promise<boolean> {
    for (let attempt = 1; !stopped(); attempt++) {
      try {
        await this.ensureStreams(jsm);
        return true;
      } catch (err) {
        this.logger.warn(`stream provisioning failed (attempt ${attempt}), retrying: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * attempt)));
      }
    }
    return false;
  }

  async ensureStreams(jsm: JetStreamManager): Promise<void> {
    for (const spec of streamSpecs(this.config)) await this.ensure(jsm, spec);
    await this.raiseSchemaBucket(jsm);
  }

  /** The schema buckets are created on first use by SchemaRegistry; an existing R1 one follows the streams up. */
  private async raiseSchemaBucket(jsm: JetStreamManager): Promise<void> {
    for (const name of [`KV_${SCHEMA_BUCKET}`, `KV_${SCHEMA_HEAD_BUCKET}`]) {
      const existing = await this.info(jsm, name);
      if (!existing || existing.num_replicas >= this.config.streamReplicas) continue;
      await jsm.streams.update(name, { ...existing, num_replicas: this.config.streamReplicas });
      this.logger.log(`updated stream ${name}: replicas ${existing.num_replicas} → ${this.config.streamReplicas}`);
    }
  }

  private async ensure(jsm: JetStreamManager, spec: Partial<StreamConfig> & { name: string }): Promise<void> {
    const { name } = spec;
    const current = await this.info(jsm, name);
    if (!current) {
      try {
        await jsm.streams.add(spec);
        this.logger.log(`created stream ${name}`);
        return;
      } catch (err) {
        // Another app won the race: fall through and compare with what it created.
        if (!(await this.info(jsm, name))) throw err;
      }
    }
    const existing = (await this.info(jsm, name))!;
    const wanted = { ...spec, num_replicas: this.replicas(name, spec.num_replicas, existing.num_replicas) };
    const drift = FIELDS.filter((f) => wanted[f] !== undefined && JSON.stringify(wanted[f]) !== JSON.stringify(existing[f]));
    if (drift.length === 0) return;
    // Storage and retention cannot change in place; say so instead of failing obscurely.
    if (drift.includes('storage') || drift.includes('retention')) {
      throw new Error(`stream ${name} exists with a different storage/retention; remove it or fix its config by hand`);
    }
    await jsm.streams.update(name, { ...existing, ...wanted });
    this.logger.log(`updated stream ${name}: ${drift.map((f) => (f === 'num_replicas' ? `replicas ${existing.num_replicas} → ${wanted.num_replicas}` : f)).join(', ')}`);
  }

  /**
   * Replicas only ever go up here (R1 → R3 when the app is configured for 3): an app started with
   * the single-server default must not strip a cluster's streams of their copies. Going down is
   * an operator's decision (`nats stream edit --replicas`).
   */
  private replicas(name: string, wanted: number | undefined, existing: number): number {
    if (wanted === undefined || wanted >= existing) return wanted ?? existing;
    this.logger.warn(`stream ${name} has ${existing} replicas, more than EVENTS_STREAM_REPLICAS=${wanted}; keeping ${existing}`);
    return existing;
  }

  private async info(jsm: JetStreamManager, name: string): Promise<StreamConfig | undefined> {
    try {
      return (await jsm.streams.info(name)).config;
    } catch (err) {
      if (err instanceof JetStreamApiError && err.code === JetStreamApiCodes.StreamNotFound) return undefined;
      throw err;
    }
  }
}
