import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditTrail, createEnvelope } from '@app/events';
import { withoutQuery } from '../subscriptions/subscription-events.js';
import { Subscription } from '../subscriptions/subscription.entity.js';
import { newSigningSecret } from '../subscriptions/signing-secret.js';
import { TIMEOUT_MS } from '../subscriptions/dto/subscription-validators.js';
import { UrlGuard } from '../ssrf/url-guard.js';
import { AuthorizedSender } from '../delivery/authorized-sender.js';
import { redactHeaders, WebhookSigner, type SigningKeys } from '../delivery/webhook-signer.js';
import { USER_AGENT } from '../delivery/delivery-executor.js';
import type { TestWebhookDto } from './test-webhook.dto.js';
import type { TestWebhookResult } from './test-webhook-result.js';
export type { TestWebhookResult } from './test-webhook-result.js';

/** `POST /webhooks/test`: one synthetic, signed event, sent at once; nothing is stored or retried. */
@Injectable()
export class TestSendService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly guard: UrlGuard,
    private readonly signer: WebhookSigner,
    private readonly sender: AuthorizedSender,
    private readonly audit: AuditTrail,
  ) {}

  async send(dto: TestWebhookDto, source: string): Promise<TestWebhookResult> {
    if (dto.url !== undefined && dto.subscriptionId !== undefined) throw new BadRequestException(['send either url or subscriptionId, not both']);
    const target = dto.subscriptionId ? await this.subscriptionTarget(dto.subscriptionId) : await this.urlTarget(dto.url!, dto.secret);
    const event = createEnvelope(dto.eventType ?? 'webhook.test', dto.data ?? { test: true }, source, { level: 'debug', audience: 'admin', category: 'Info' });
    const body = JSON.stringify(event);
    const unsent = { 'content-type': 'application/json', 'user-agent': USER_AGENT, ...target.headers, ...this.signer.sign(event.id, body, target.keys) };
    const { exchange, headers } = await this.sender.post({ url: target.url, body, headers: unsent, timeoutMs: target.timeoutMs }, target.oauth2);
    await this.audit.record({
      action: 'webhook_tested',
      target: dto.subscriptionId ? { type: 'webhook-subscription', id: dto.subscriptionId } : { type: 'webhook-url', id: withoutQuery(target.url) },
      details: { eventType: event.type, status: exchange.status, error: exchange.error },
    });
    return {
      url: target.url,
      delivered: exchange.status !== null && exchange.status >= 200 && exchange.status < 300,
      event,
      request: { headers: redactHeaders(headers) },
      response: exchange.status === null ? null : { status: exchange.status, headers: exchange.headers, body: exchange.body },
      durationMs: exchange.durationMs,
      error: exchange.error,
      ...(target.oneOffSecret ? { secret: target.oneOffSecret } : {}),
    };
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
