import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, type Clock } from '../clock/clock.js';
import { SMS_CONFIG, type SmsConfig } from '../config/sms-config.js';

interface Circuit {
  failures: number;
  openUntil: number;
}

/**
 * One circuit per (channel, provider) in this process: after `circuitFailures` outages in a row the
 * provider is skipped for `circuitOpenMs`, so a dead first provider does not cost every message
 * its timeout. After that one message tries it again (half open); a success closes it.
 */
@Injectable()
export class ProviderCircuits {
  private readonly circuits = new Map<string, Circuit>();

  constructor(
    @Inject(SMS_CONFIG) private readonly config: SmsConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  isOpen(channel: string, provider: string): boolean {
    const circuit = this.circuits.get(`${channel}:${provider}`);
    if (!circuit || circuit.openUntil === 0) return false;
    if (this.clock.now().getTime() < circuit.openUntil) return true;
    // Half open: let this message try; a failure re-opens at once.
    circuit.openUntil = 0;
    circuit.failures = this.config.circuitFailures - 1;
    return false;
  }

  succeeded(channel: string, provider: string): void {
    this.circuits.delete(`${channel}:${provider}`);
  }

  failed(channel: string, provider: string): void {
    if (this.config.circuitFailures <= 0) return;
    const key = `${channel}:${provider}`;
    const circuit = this.circuits.get(key) ?? { failures: 0, openUntil: 0 };
    circuit.failures += 1;
    if (circuit.failures >= this.config.circuitFailures) circuit.openUntil = this.clock.now().getTime() + this.config.circuitOpenMs;
    this.circuits.set(key, circuit);
  }
}
