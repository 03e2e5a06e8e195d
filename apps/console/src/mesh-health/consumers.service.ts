import { Injectable } from '@nestjs/common';
import { meshStatus, NatsConnectionManager, STREAM_EVENTS, STREAM_REPLAY, type MeshStatus } from '@app/events';
import type { ConsumerInfo } from '../console.views.js';
export type { ConsumerInfo } from '../console.views.js';

/** The streams and durable consumers as JetStream sees them (the library's `meshStatus`, on the console's connection). */
@Injectable()
export class ConsumersService {
  constructor(private readonly nats: NatsConnectionManager) {}

  status(): Promise<MeshStatus> {
    return meshStatus(this.nats.jetStreamManager());
  }

  /** The consumer apps (durables on EVENTS), whether running or not, and which of them take replays. */
  async list(): Promise<ConsumerInfo[]> {
    const { durables } = await this.status();
    const replay = new Set(durables.filter((d) => d.stream === STREAM_REPLAY).map((d) => d.name));
    return durables
      .filter((d) => d.stream === STREAM_EVENTS)
      .map((d) => ({ name: d.name, numPending: d.pending, numAckPending: d.ackPending, redelivered: d.redelivered, replayable: replay.has(`${d.name}-replay`) }));
  }
}
