import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { NatsConnectionManager } from '../../nats/nats-connection.js';

/** Reports the live connection's state; it never opens a connection per probe. */
@Injectable()
export class NatsHealthIndicator {
  constructor(
    private readonly health: HealthIndicatorService,
    private readonly nats: NatsConnectionManager,
  ) {}

  check(key = 'nats') {
    return this.health.check(key).attempt(() => {
      if (!this.nats.isConnected) throw new Error('not connected to NATS (reconnecting in the background)');
      return { server: this.nats.connection?.getServer() };
    });
  }
}
