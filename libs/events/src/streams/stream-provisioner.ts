import { Inject, Injectable, Logger } from '@nestjs/common';
import { JetStreamApiCodes, JetStreamApiError, JetStreamManager, StreamConfig } from '@nats-io/jetstream';
import { EVENTS_CONFIG } from '../events.constants.js';
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

  async ensureStreams(jsm: JetStreamManager): Promise<void> {
    for (const spec of streamSpecs(this.config)) await this.ensure(jsm, spec);
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
    const drift = FIELDS.filter((f) => spec[f] !== undefined && JSON.stringify(spec[f]) !== JSON.stringify(existing[f]));
    if (drift.length === 0) return;
    // Storage and retention cannot change in place; say so instead of failing obscurely.
    if (drift.includes('storage') || drift.includes('retention')) {
      throw new Error(`stream ${name} exists with a different storage/retention; remove it or fix its config by hand`);
    }
    await jsm.streams.update(name, { ...existing, ...spec });
    this.logger.log(`updated stream ${name}: ${drift.join(', ')}`);
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
