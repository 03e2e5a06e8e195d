import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { NatsConnectionManager, STREAM_EVENTS, STREAM_REPLAY } from '@app/events';

export interface ConsumerInfo {
  /** The consumer app's durable name on EVENTS (`event-store`): what replay and redrive address. */
  name: string;
  numPending: number;
  numAckPending: number;
  redelivered: number;
  /** The app also runs `<name>-replay`, so replays reach it. */
  replayable: boolean;
}

/** The mesh's durable consumers, read from JetStream (the apps that consume, whether running or not). */
@Injectable()
export class ConsumersService {
  constructor(private readonly nats: NatsConnectionManager) {}

  async list(): Promise<ConsumerInfo[]> {
    const jsm = this.nats.manager;
    if (!jsm || !this.nats.isConnected) throw new ServiceUnavailableException('The console is not connected to NATS; see the Health page');
    const replay = new Set<string>();
    for await (const c of jsm.consumers.list(STREAM_REPLAY)) replay.add(c.name);
    const out: ConsumerInfo[] = [];
    for await (const c of jsm.consumers.list(STREAM_EVENTS)) {
      // Durables only: ephemeral consumers (a `mesh tail --since`) come and go.
      if (!c.config.durable_name) continue;
      out.push({
        name: c.name,
        numPending: c.num_pending,
        numAckPending: c.num_ack_pending,
        redelivered: c.num_redelivered,
        replayable: replay.has(`${c.name}-replay`),
      });
    }
    return out.sort((a, b) => a.name.localeCompare(b.name));
  }
}
