import { Inject, Injectable } from '@nestjs/common';
import { traceparentOfJson, withSpan } from '@app/events';
import { WEBHOOK_CONFIG, type WebhookConfig } from '../config/webhook-env.js';
import { judge } from './attempt-outcome.js';
import { redactHeaders, WebhookSigner } from './webhook-signer.js';
import { AuthorizedSender } from './authorized-sender.js';
import type { ClaimedDelivery, DeliveryOutcome } from './delivery.types.js';

export const USER_AGENT = 'event-mesh-webhook-dispatcher/0.1';

/**
 * One attempt of one delivery: sign, send, judge. Writes nothing; the outcome writer records it.
 * Resolves `undefined` when the dispatcher itself cut the request off (shutting down): that is
 * no attempt, and the caller releases the delivery's lease instead of recording anything.
 */
@Injectable()
export class DeliveryExecutor {
  constructor(
    private readonly signer: WebhookSigner,
    private readonly sender: AuthorizedSender,
    @Inject(WEBHOOK_CONFIG) private readonly config: WebhookConfig,
  ) {}

  async attempt(d: ClaimedDelivery, signal?: AbortSignal): Promise<DeliveryOutcome | undefined> {
    const attempt = d.attempts + 1;
    const startedAt = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      ...d.headers,
      ...this.signer.sign(d.eventId, d.body, d, startedAt),
    };
    const { exchange, headers: sent } = await withSpan(
      'webhook.deliver',
      { 'mesh.event_id': d.eventId, 'mesh.subscription_id': d.subscriptionId, 'mesh.attempt': attempt },
      () => this.sender.post({ url: d.url, body: d.body, headers, timeoutMs: d.timeoutMs, signal }, d.oauth2),
      // Attempts run in the worker, after the event was handled: the trace is the event's, from its body.
      () => traceparentOfJson(d.body),
    );
    if (exchange.interrupted) return undefined;
    const verdict = judge(exchange, attempt, d.maxAttempts, this.config.retryScheduleMs);
    return {
      delivery: d,
      ...verdict,
      attempt: {
        deliveryId: d.id,
        eventId: d.eventId,
        subscriptionId: d.subscriptionId,
        attempt,
        url: d.url,
        requestHeaders: redactHeaders(sent),
        responseStatus: exchange.status,
        responseHeaders: exchange.status === null ? null : exchange.headers,
        responseBody: exchange.body,
        durationMs: exchange.durationMs,
        error: exchange.error,
        startedAt,
      },
    };
  }
}
