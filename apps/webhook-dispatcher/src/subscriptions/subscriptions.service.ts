import { BadRequestException, Inject, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditTrail, EventsService, normalizePattern } from '@app/events';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { UrlGuard } from '../ssrf/url-guard.js';
import { Subscription } from './subscription.entity.js';
import { mergeHeaders, SubscriptionView, toSubscriptionView } from './subscription-view.js';
import { newSigningSecret } from './signing-secret.js';
import { publishDisabled, withoutQuery } from './subscription-events.js';
import { TIMEOUT_MS } from './dto/subscription-validators.js';
import { mergeOAuth2, type OAuth2Credentials } from '../oauth2/oauth2-credentials.js';
import { DELIVERIES_CHANNEL } from '../delivery/delivery.repository.js';
import { batchConflict, normalizeBatch, type BatchConfig } from '../batch/batch-config.js';
import type { CreateSubscriptionDto } from './dto/create-subscription.dto.js';
import type { UpdateSubscriptionDto } from './dto/update-subscription.dto.js';

/** The creation and rotation responses: the only ones that carry the secret. */
export type SubscriptionWithSecret = SubscriptionView & { secret: string };

const target = (id: string) => ({ type: 'webhook-subscription', id });
/** Batching with fifo or a rate limit is refused with a 400 naming `batch` (see batchConflict). */
function assertBatchable(s: Pick<Subscription, 'batch' | 'ordering' | 'rateLimitPerSecond'>): void {
  const problem = batchConflict(s);
  if (problem) throw new BadRequestException([problem]);
}

const notFound = (id: string) => new NotFoundException(`Webhook subscription ${id} not found`);

/** Subscriptions CRUD and secret rotation; every url is checked against the SSRF policy before it is saved. */
@Injectable()
export class SubscriptionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
    private readonly guard: UrlGuard,
    private readonly events: EventsService,
    private readonly audit: AuditTrail,
  ) {}

  /** `actor`: the audit event's actor (`X-Audit-Actor`); the admin key's when undefined. */
  async create(input: CreateSubscriptionDto, actor?: string): Promise<SubscriptionWithSecret> {
    await this.assertUrl(input.url);
    const oauth2 = input.oauth2 ? this.oauth2Of(null, input.oauth2) : null;
    if (oauth2) await this.assertUrl(oauth2.tokenUrl, 'oauth2.tokenUrl');
    const now = new Date();
    const active = input.active ?? true;
    const subscription = this.dataSource.manager.create(Subscription, {
      id: randomUUID(),
      name: input.name,
      url: input.url,
      eventTypes: input.eventTypes.map(normalizePattern),
      filter: input.filter ?? null,
      active,
      timeoutMs: input.timeoutMs ?? TIMEOUT_MS.default,
      maxAttempts: input.maxAttempts ?? this.config.defaultMaxAttempts,
      rateLimitPerSecond: input.rateLimitPerSecond ?? null,
      headers: input.headers ?? {},
      description: input.description ?? null,
      oauth2,
      ordering: input.ordering ?? 'none',
      orderingKey: input.orderingKey ?? null,
      batch: input.batch ? normalizeBatch(input.batch as BatchConfig) : null,
      secret: newSigningSecret(),
      previousSecret: null,
      previousSecretExpiresAt: null,
      consecutiveFailures: 0,
      disabledReason: active ? null : 'created inactive',
      disabledAt: active ? null : now,
      createdAt: now,
      updatedAt: now,
    });
    assertBatchable(subscription);
    const view = toSubscriptionView(subscription);
    await this.dataSource.transaction(async (m) => {
      await m.insert(Subscription, subscription);
      await this.audit.record({ action: 'subscription_created', actor, target: target(subscription.id), after: view }, m);
    });
    return { ...view, secret: subscription.secret };
  }

  async list(limit: number, offset: number, active?: boolean): Promise<SubscriptionView[]> {
    const rows = await this.dataSource.manager.find(Subscription, {
      where: active === undefined ? {} : { active },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
    });
    return rows.map((s) => toSubscriptionView(s));
  }

  async get(id: string): Promise<SubscriptionView> {
    const s = await this.find(this.dataSource.manager, id);
    return { ...toSubscriptionView(s), waitingDeliveries: await this.waiting(this.dataSource.manager, id) };
  }

  /**
   * Applies the changes; `active` false→true resets the failure count and resumes the deliveries
   * that waited (or drops them with `dropWaiting`), true→false publishes `webhook.subscription_disabled`.
   */
  async update(id: string, patch: UpdateSubscriptionDto, actor?: string): Promise<SubscriptionView> {
    if (patch.url !== undefined) await this.assertUrl(patch.url);
    return this.dataSource.transaction(async (m) => {
      const s = await this.find(m, id, true);
      const before = toSubscriptionView(s);
      const wasActive = s.active;
      const set: Partial<Subscription> = { updatedAt: new Date() };
      if (patch.name !== undefined) set.name = patch.name;
      if (patch.url !== undefined) set.url = patch.url;
      if (patch.eventTypes !== undefined) set.eventTypes = patch.eventTypes.map(normalizePattern);
      if (patch.filter !== undefined) set.filter = patch.filter;
      if (patch.timeoutMs !== undefined) set.timeoutMs = patch.timeoutMs;
      if (patch.maxAttempts !== undefined) set.maxAttempts = patch.maxAttempts;
      if (patch.rateLimitPerSecond !== undefined) set.rateLimitPerSecond = patch.rateLimitPerSecond;
      if (patch.headers !== undefined) set.headers = mergeHeaders(s.headers, patch.headers);
      if (patch.description !== undefined) set.description = patch.description;
      if (patch.ordering !== undefined) set.ordering = patch.ordering;
      if (patch.orderingKey !== undefined) set.orderingKey = patch.orderingKey;
      if (patch.batch !== undefined) set.batch = patch.batch === null ? null : normalizeBatch(patch.batch as BatchConfig);
      assertBatchable({ ...s, ...set });
      if (patch.oauth2 !== undefined) set.oauth2 = this.oauth2Of(s.oauth2, patch.oauth2);
      if (set.oauth2) await this.assertUrl(set.oauth2.tokenUrl, 'oauth2.tokenUrl');
      if (patch.active === true && !wasActive) Object.assign(set, { active: true, consecutiveFailures: 0, disabledReason: null, disabledAt: null });
      if (patch.active === false && wasActive) Object.assign(set, { active: false, disabledReason: 'disabled through the API', disabledAt: new Date() });
      await m.update(Subscription, { id }, set);
      if (patch.active === true && !wasActive) {
        await m.query(`UPDATE webhook_subscriptions SET disabled_by = NULL, probe_attempts = 0, last_probe_at = NULL WHERE id = $1`, [id]);
        await this.resumeWaiting(m, id, patch.dropWaiting === true);
      }
      const updated = Object.assign(s, set);
      if (patch.active === false && wasActive) {
        await m.query(`UPDATE webhook_subscriptions SET disabled_by = 'manual' WHERE id = $1`, [id]);
        await publishDisabled(this.events, m, {
          subscriptionId: id,
          name: updated.name,
          url: withoutQuery(updated.url),
          reason: 'manual',
          message: 'disabled through the API',
          consecutiveFailures: updated.consecutiveFailures,
        });
      }
      const after = toSubscriptionView(updated);
      // Enabling and disabling are the changes people look for in the trail, so they get their own action.
      const action = after.active === before.active ? 'subscription_updated' : after.active ? 'subscription_enabled' : 'subscription_disabled';
      await this.audit.record({ action, actor, target: target(id), before, after }, m);
      return { ...after, waitingDeliveries: await this.waiting(m, id) };
    });
  }

  /**
   * Paused deliveries become due in arrival order (their schedule is their creation time), or,
   * dropped, `failed` with the reason; `recover` can still bring dropped ones back.
   */
  async resumeWaiting(m: EntityManager, id: string, drop: boolean): Promise<void> {
    if (drop) {
      await m.query(
        `UPDATE webhook_deliveries SET status = 'failed', last_error = 'dropped when the subscription was re-enabled (dropWaiting)', updated_at = now()
         WHERE subscription_id = $1 AND (status = 'paused' OR (status = 'pending' AND (leased_until IS NULL OR leased_until < now())))`,
        [id],
      );
      return;
    }
    await m.query(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = created_at, updated_at = now() WHERE subscription_id = $1 AND status = 'paused'`,
      [id],
    );
    await m.query(`SELECT pg_notify($1, '')`, [DELIVERIES_CHANNEL]);
  }

  private async waiting(m: EntityManager, id: string): Promise<number> {
    const [row] = await m.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE subscription_id = $1 AND status IN ('pending', 'paused')`, [id]);
    return (row as { n: number }).n;
  }

  /** Deletes the subscription with its deliveries and their log. */
  async remove(id: string): Promise<void> {
    await this.dataSource.transaction(async (m) => {
      const before = toSubscriptionView(await this.find(m, id, true));
      await m.delete(Subscription, { id });
      await this.audit.record({ action: 'subscription_deleted', target: target(id), before }, m);
    });
  }

  /** A new secret; the current one keeps signing (next to the new) for the grace period. */
  async rotateSecret(id: string, gracePeriodMs = this.config.secretGraceMs): Promise<SubscriptionWithSecret> {
    return this.dataSource.transaction(async (m) => {
      const s = await this.find(m, id, true);
      const now = new Date();
      const set: Partial<Subscription> = {
        secret: newSigningSecret(),
        previousSecret: gracePeriodMs > 0 ? s.secret : null,
        previousSecretExpiresAt: gracePeriodMs > 0 ? new Date(now.getTime() + gracePeriodMs) : null,
        updatedAt: now,
      };
      await m.update(Subscription, { id }, set);
      const rotated = Object.assign(s, set);
      const after = toSubscriptionView(rotated, now);
      // The secrets themselves stay out of the trail: only when the previous one stops signing.
      await this.audit.record({ action: 'subscription_secret_rotated', target: target(id), after, details: { gracePeriodMs } }, m);
      return { ...after, secret: rotated.secret };
    });
  }

  private async find(m: EntityManager, id: string, lock = false): Promise<Subscription> {
    const s = await m.findOne(Subscription, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!s) throw notFound(id);
    return s;
  }

  /** Problems name the field: `oauth2.tokenUrl …` for the token endpoint, which the SSRF policy covers as well. */
  private async assertUrl(url: string, field = 'url'): Promise<void> {
    const problem = await this.guard.problemWith(url);
    if (problem) throw new BadRequestException([problem.replace(/^url\b/, field)]);
  }

  private oauth2Of(stored: OAuth2Credentials | null, given: OAuth2Credentials | null): OAuth2Credentials | null {
    try {
      return mergeOAuth2(stored, given);
    } catch (err) {
      throw new BadRequestException([(err as Error).message]);
    }
  }
}
