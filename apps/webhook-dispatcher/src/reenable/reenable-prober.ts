import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { createEnvelope, EventsService } from '@app/events';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { USER_AGENT } from '../delivery/delivery-executor.js';
import { AuthorizedSender } from '../delivery/authorized-sender.js';
import type { OAuth2Credentials } from '../oauth2/oauth2-credentials.js';
import { WebhookSigner } from '../delivery/webhook-signer.js';
import { SERVICE_NAME } from '../service-name.js';
import { publishEnabled, withoutQuery } from '../subscriptions/subscription-events.js';
import { SubscriptionsService } from '../subscriptions/subscriptions.service.js';

interface ProbeTarget {
  id: string;
  name: string;
  url: string;
  headers: Record<string, string>;
  timeout_ms: number;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
  oauth2: OAuth2Credentials | null;
  probe_attempts: number;
}

/** Subscriptions probed at once per tick, at most. */
const BATCH = 10;
export const PING = 'webhook.ping';

/**
 * Half-open circuit: a subscription disabled for consecutive failures gets a signed
 * `webhook.ping` after each delay of WEBHOOK_REENABLE_PROBE (counted from its disabling, then
 * from the last probe; the last delay repeats). A 2xx re-enables it, sends what waited, and
 * publishes `webhook.subscription_enabled`. Off by default; manual and 410 disablings are never probed.
 * A probe is claimed (its time and count written) before it is sent, so replicas never probe twice.
 */
@Injectable()
export class ReenableProber implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ReenableProber.name);
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
    private readonly signer: WebhookSigner,
    private readonly sender: AuthorizedSender,
    private readonly subscriptions: SubscriptionsService,
    private readonly events: EventsService,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.reenableProbeMs.length === 0) return;
    this.timer = setInterval(() => this.tick(), this.config.pollIntervalMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.current;
  }

  private tick(): void {
    if (this.current) return;
    this.current = this.runOnce()
      .catch((err: Error) => this.logger.warn(`re-enable probes failed (${err.message}); next tick retries`))
      .finally(() => (this.current = undefined));
  }

  /** Probes every subscription whose next probe is due. */
  async runOnce(): Promise<void> {
    const [due]: [ProbeTarget[], number] = await this.dataSource.query(
      `UPDATE webhook_subscriptions s SET last_probe_at = now(), probe_attempts = s.probe_attempts + 1
       WHERE s.id IN (
         SELECT id FROM webhook_subscriptions WHERE NOT active AND disabled_by = 'consecutive_failures'
           AND COALESCE(last_probe_at, disabled_at) + ($1::float8[])[LEAST(probe_attempts + 1, cardinality($1::float8[]))] * interval '1 millisecond' <= now()
         LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)
       RETURNING s.id, s.name, s.url, s.headers, s.timeout_ms, s.secret, s.previous_secret, s.previous_secret_expires_at, s.oauth2, s.probe_attempts`,
      [this.config.reenableProbeMs],
    );
    await Promise.all(due.map((s) => this.probe(s)));
  }

  private async probe(s: ProbeTarget): Promise<void> {
    const event = createEnvelope(PING, { subscriptionId: s.id, probe: s.probe_attempts }, SERVICE_NAME, { level: 'debug', audience: 'admin', category: 'Info' });
    const body = JSON.stringify(event);
    const keys = { secret: s.secret, previousSecret: s.previous_secret, previousSecretExpiresAt: s.previous_secret_expires_at };
    const headers = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...s.headers, ...this.signer.sign(event.id, body, keys) };
    const { exchange } = await this.sender.post({ url: s.url, body, headers, timeoutMs: s.timeout_ms }, s.oauth2);
    if (exchange.status === null || exchange.status < 200 || exchange.status >= 300) {
      const next = this.config.reenableProbeMs[Math.min(s.probe_attempts, this.config.reenableProbeMs.length - 1)];
      this.logger.warn(`subscription ${s.id} (${s.name}) probe ${s.probe_attempts} failed (${exchange.error ?? `HTTP ${exchange.status}`}); next in ${next} ms`);
      return;
    }
    await this.dataSource.transaction(async (m) => {
      const [rows] = await m.query(
        `UPDATE webhook_subscriptions SET active = true, consecutive_failures = 0, disabled_reason = NULL, disabled_at = NULL, disabled_by = NULL,
           probe_attempts = 0, last_probe_at = NULL, updated_at = now()
         WHERE id = $1 AND NOT active AND disabled_by = 'consecutive_failures' RETURNING id`,
        [s.id],
      );
      // Re-enabled (or deleted) by someone else meanwhile.
      if ((rows as unknown[]).length === 0) return;
      await this.subscriptions.resumeWaiting(m, s.id, false);
      await publishEnabled(this.events, m, { subscriptionId: s.id, name: s.name, url: withoutQuery(s.url), reason: 'probe', probes: s.probe_attempts });
      this.logger.log(`subscription ${s.id} (${s.name}) re-enabled: probe ${s.probe_attempts} was answered HTTP ${exchange.status}`);
    });
  }
}
