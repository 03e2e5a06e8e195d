import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '@app/events';
import type { UnknownOutcomeAction } from '../config/sms-env.js';

/**
 * Claims whose outcome nobody could tell (the app crashed after calling a provider that keeps no
 * lookup or key): `sms_unknown_outcomes_total` on `/metrics`, and the totals for `/health/events`.
 */
@Injectable()
export class UnknownOutcomes {
  private readonly counter: Counter<'provider' | 'action'>;
  private readonly totals: Record<UnknownOutcomeAction, number> = { resend: 0, skip: 0 };
  private last: Date | null = null;

  constructor(metrics: MetricsService) {
    this.counter = new Counter({
      name: 'sms_unknown_outcomes_total',
      help: 'SMS claims left unrecorded by a crash that the provider could not reconcile, by the action taken (resend, skip)',
      labelNames: ['provider', 'action'],
      registers: [metrics.registry],
    });
  }

  record(provider: string, action: UnknownOutcomeAction): void {
    this.counter.inc({ provider, action });
    this.totals[action] += 1;
    this.last = new Date();
  }

  /** Since this process started. */
  summary(): { resent: number; skipped: number; last: string | null } {
    return { resent: this.totals.resend, skipped: this.totals.skip, last: this.last?.toISOString() ?? null };
  }
}
