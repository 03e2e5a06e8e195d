import { BadRequestException, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail, createEnvelope, latestSchemas, sampleFromSchema, SchemaRegistry, SchemaValidationError } from '@app/events';
import { StoredEventsClient } from './stored-events.client.js';
import { withoutQuery } from '../subscriptions/subscription-events.js';
import { Subscription } from '../subscriptions/subscription.entity.js';
import { newSigningSecret } from '../subscriptions/signing-secret.js';
import { TIMEOUT_MS } from '../subscriptions/dto/subscription-validators.js';
import { UrlGuard } from '../ssrf/url-guard.js';
import { AuthorizedSender } from '../delivery/authorized-sender.js';
import { redactHeaders, WebhookSigner, type SigningKeys } from '../delivery/webhook-signer.js';
import { USER_AGENT } from '../delivery/delivery-executor.js';
import type { TestWebhookDto } from './test-webhook.dto.js';
import type { TestPayload, TestWebhookResult } from './test-webhook-result.js';
export type { TestWebhookResult } from './test-webhook-result.js';

/**
 * `POST /webhooks/test`: one signed test event, sent at once; nothing is stored or retried. Its
 * data is the one given, or else that of the latest stored event of its type (EVENT_STORE_URL), or
 * else a sample of the type's newest registered JSON Schema, or else `{ test: true }`. A stored
 * event lends its data and subject; the test event keeps its own id (a receiver that dedupes by
 * `webhook-id` must not take it for the real one).
 */
@Injectable()
export class TestSendService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly guard: UrlGuard,
    private readonly signer: WebhookSigner,
    private readonly sender: AuthorizedSender,
    private readonly audit: AuditTrail,
    private readonly schemas: SchemaRegistry,
    private readonly stored: StoredEventsClient,
  ) {}

  async send(dto: TestWebhookDto, source: string): Promise<TestWebhookResult> {
    if (dto.url !== undefined && dto.subscriptionId !== undefined) throw new BadRequestException(['send either url or subscriptionId, not both']);
    const target = dto.subscriptionId ? await this.subscriptionTarget(dto.subscriptionId) : await this.urlTarget(dto.url!, dto.secret);
    const type = dto.eventType ?? 'webhook.test';
    const payload = await this.payload(type, dto.data);
    const event = createEnvelope(type, payload.data, source, { level: 'debug', audience: 'admin', category: 'Info', ...(payload.subject ? { subject: payload.subject } : {}) });
    if (payload.schemaId) event.dataschema = payload.schemaId;
    const body = JSON.stringify(event);
    const unsent = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...target.headers, ...this.signer.sign(event.id, body, target.keys) };
    const { exchange, headers } = await this.sender.post({ url: target.url, body, headers: unsent, timeoutMs: target.timeoutMs }, target.oauth2);
    await this.audit.record({
      action: 'webhook_tested',
      target: dto.subscriptionId ? { type: 'webhook-subscription', id: dto.subscriptionId } : { type: 'webhook-url', id: withoutQuery(target.url) },
      details: { eventType: event.type, payload: payload.from, status: exchange.status, error: exchange.error },
    });
    return {
      url: target.url,
      delivered: exchange.status !== null && exchange.status >= 200 && exchange.status < 300,
      event,
      payload: { from: payload.from, ...(payload.schemaId ? { schemaId: payload.schemaId } : {}), ...(payload.storedEventId ? { storedEventId: payload.storedEventId } : {}) },
      request: { headers: redactHeaders(headers) },
      response: exchange.status === null ? null : { status: exchange.status, headers: exchange.headers, body: exchange.body },
      durationMs: exchange.durationMs,
      error: exchange.error,
      ...(target.oneOffSecret ? { secret: target.oneOffSecret } : {}),
    };
  }

  /** The test event's data: given, the latest stored event's, sampled from the type's newest registered schema (and checked against it), or the default. */
  private async payload(type: string, given: Record<string, unknown> | undefined): Promise<TestPayload & { data: unknown; subject?: string }> {
    if (given !== undefined) return { from: 'given', data: given };
    const latest = await this.stored.latest(type);
    if (latest) return { from: 'stored', storedEventId: latest.id, data: latest.data, ...(latest.subject ? { subject: latest.subject } : {}) };
    let registered;
    try {
      registered = latestSchemas((await this.schemas.list()).filter((s) => s.type === type))[0];
    } catch (err) {
      throw new ServiceUnavailableException(`the schema registry (NATS KV) could not be read (${(err as Error).message}); send data, or retry`);
    }
    if (!registered) return { from: 'default', data: { test: true } };
    const fix = 'send data yourself';
    let data: unknown;
    try {
      data = sampleFromSchema(registered.schema);
    } catch (err) {
      throw new BadRequestException([`eventType: no sample can be made from ${registered.id}: ${(err as Error).message}; ${fix}`]);
    }
    try {
      this.schemas.validate(type, data, registered.version);
    } catch (err) {
      if (!(err instanceof SchemaValidationError)) throw err;
      throw new BadRequestException([`eventType: the sample made from ${registered.id} does not satisfy it (${err.message}); ${fix}`]);
    }
    return { from: 'schema', schemaId: registered.id, data };
  }

  private async subscriptionTarget(id: string) {
    const s = await this.dataSource.manager.findOneBy(Subscription, { id });
    if (!s) throw new NotFoundException(`Webhook subscription ${id} not found`);
    const keys: SigningKeys = { secret: s.secret, previousSecret: s.previousSecret, previousSecretExpiresAt: s.previousSecretExpiresAt };
    return { url: s.url, keys, headers: s.headers, timeoutMs: s.timeoutMs, oauth2: s.oauth2, oneOffSecret: undefined };
  }

  private async urlTarget(url: string, secret: string | undefined) {
    const problem = await this.guard.problemWith(url);
    if (problem) throw new BadRequestException([problem]);
    const oneOffSecret = secret ? undefined : newSigningSecret();
    return { url, keys: { secret: secret ?? oneOffSecret! }, headers: {}, timeoutMs: TIMEOUT_MS.default, oauth2: null, oneOffSecret };
  }
}
